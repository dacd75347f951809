-- SQLite's text index (ticket_text) now also holds the keys of each
-- ticket's unit, street and community (ticket/search_scope.go). Entries
-- written before hold none: the background walk (search_backfill) writes
-- every ticket's entry anew, from the first, and searches ask for the keys
-- once it has reached the end (scoped). A database with no tickets has
-- nothing to write anew.
ALTER TABLE search_backfill ADD COLUMN scoped BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE search_backfill SET after = '', done = NOT EXISTS (SELECT 1 FROM tickets), scoped = NOT EXISTS (SELECT 1 FROM tickets);

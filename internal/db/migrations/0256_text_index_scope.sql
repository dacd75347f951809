-- Whether every entry of the ticket text index holds the keys of its
-- ticket's unit, street and community, so that a search may ask for them
-- (ticket/search_scope.go). PostgreSQL's index has held them since 0110;
-- SQLite's entries gain them in migrations/sqlite/0256.
ALTER TABLE search_backfill ADD COLUMN scoped BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE search_backfill SET scoped = TRUE;

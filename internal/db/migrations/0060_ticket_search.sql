-- Search of ticket lists by phone: a caller who gives the last four digits
-- of her phone finds her tickets by this column (tickets are searched by
-- text through ticket_text on SQLite and tickets.search_terms on PostgreSQL,
-- migration 0061).
ALTER TABLE tickets ADD COLUMN reporter_phone_last4 TEXT COLLATE "C" NOT NULL DEFAULT '';
UPDATE tickets SET reporter_phone_last4 = substr(reporter_phone, length(reporter_phone) - 3)
 WHERE length(reporter_phone) >= 4;
CREATE INDEX tickets_phone_last4 ON tickets (reporter_phone_last4, number);

-- The text index of tickets written before it existed is filled in by the
-- background work, in batches, walking the tickets by number from after;
-- done once it has reached the end. A database with no tickets yet has
-- nothing to fill in.
CREATE TABLE search_backfill (
    id     INTEGER PRIMARY KEY,
    after  TEXT COLLATE "C" NOT NULL DEFAULT '',
    done   BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO search_backfill (id, after, done) SELECT 1, '', NOT EXISTS (SELECT 1 FROM tickets);

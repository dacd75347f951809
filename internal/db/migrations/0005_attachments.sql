-- Photos attached to tickets (随手拍, and the handler's before/after photos).
-- The file lives under the data folder by its SHA-256; a row says which ticket
-- shows it. slot numbers a ticket's attachments 1 to 9: the unique index and
-- the check make "at most nine" hold even for uploads that race.
CREATE TABLE attachments (
    id            TEXT COLLATE "C" PRIMARY KEY,
    ticket_number TEXT COLLATE "C" NOT NULL REFERENCES tickets (number),
    slot          INTEGER NOT NULL CHECK (slot BETWEEN 1 AND 9),
    sha256        TEXT COLLATE "C" NOT NULL,
    content_type  TEXT COLLATE "C" NOT NULL,
    size          BIGINT NOT NULL,
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    purpose       TEXT COLLATE "C" NOT NULL,
    uploaded_by   TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    lat           DOUBLE PRECISION,
    lng           DOUBLE PRECISION
);
CREATE UNIQUE INDEX attachments_ticket_slot ON attachments (ticket_number, slot);
CREATE UNIQUE INDEX attachments_ticket_content ON attachments (ticket_number, sha256);
CREATE INDEX attachments_sha256 ON attachments (sha256);

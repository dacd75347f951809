-- The knowledge base published for residents, with service guides
-- (办事指南) and online applications (internal/kb).
--
-- kb_articles gains: public (shown to residents when true and current),
-- review_by (the business date, YYYY-MM-DD, by which staff must look at it
-- again; past it the entry is stale and residents do not see it), and the
-- guide: office hours, place, materials (one a line), fees, online_url (the
-- province's 一网通办 page of a matter handled there, https) and
-- apply_category (the category of the ticket an online application makes;
-- empty when the guide takes none).
ALTER TABLE kb_articles ADD COLUMN public BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE kb_articles ADD COLUMN review_by TEXT NOT NULL DEFAULT '';
ALTER TABLE kb_articles ADD COLUMN hours TEXT NOT NULL DEFAULT '';
ALTER TABLE kb_articles ADD COLUMN place TEXT NOT NULL DEFAULT '';
ALTER TABLE kb_articles ADD COLUMN materials TEXT NOT NULL DEFAULT '';
ALTER TABLE kb_articles ADD COLUMN fees TEXT NOT NULL DEFAULT '';
ALTER TABLE kb_articles ADD COLUMN online_url TEXT NOT NULL DEFAULT '';
ALTER TABLE kb_articles ADD COLUMN apply_category TEXT COLLATE "C" NOT NULL DEFAULT '';

-- kb_answered: a resident who read a published answer before filing and
-- said it solved her question (no ticket made); day is the business date.
CREATE TABLE kb_answered (
    id         TEXT COLLATE "C" PRIMARY KEY,
    article_id TEXT COLLATE "C" NOT NULL,
    day        TEXT COLLATE "C" NOT NULL,
    at         BIGINT NOT NULL
);
CREATE INDEX kb_answered_day ON kb_answered (day);

-- kb_applications: an online application under a guide. Each makes a
-- ticket (ticket_number) in the guide's category for the community
-- (area_code), on the ticket's time limits; staff review it: status is
-- submitted, returned (more is needed; the resident adds and sends it
-- again), approved or refused. checked are the materials she ticked, one a
-- line; phone is her verified phone.
CREATE TABLE kb_applications (
    id            TEXT COLLATE "C" PRIMARY KEY,
    article_id    TEXT COLLATE "C" NOT NULL,
    user_id       TEXT COLLATE "C" NOT NULL,
    phone         TEXT COLLATE "C" NOT NULL,
    area_code     TEXT COLLATE "C" NOT NULL,
    ticket_number TEXT COLLATE "C" NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    checked       TEXT NOT NULL DEFAULT '',
    review_note   TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX kb_applications_phone ON kb_applications (phone, updated_at);
CREATE INDEX kb_applications_area ON kb_applications (area_code, status);

-- kb_application_files: the uploaded materials of an application, kept by
-- the photo store (attachment.Keeper) under their SHA-256.
CREATE TABLE kb_application_files (
    application_id TEXT COLLATE "C" NOT NULL,
    seq            INTEGER NOT NULL,
    sha256         TEXT COLLATE "C" NOT NULL,
    content_type   TEXT NOT NULL,
    size           BIGINT NOT NULL,
    width          INTEGER NOT NULL,
    height         INTEGER NOT NULL,
    name           TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (application_id, seq)
);
CREATE INDEX kb_application_files_sha ON kb_application_files (sha256);

-- kb_events: every change of an article or an application, in its
-- transaction (key is the article's or the application's id).
CREATE TABLE kb_events (
    item_id TEXT COLLATE "C" NOT NULL,
    seq     INTEGER NOT NULL,
    at      BIGINT NOT NULL,
    actor   TEXT COLLATE "C" NOT NULL,
    kind    TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (item_id, seq)
);

-- Comments on items of participation (议事评论, internal/deliberation).
--
-- comments: one row per comment. target_kind and target_id name the item
-- (a proposal's number…); area_code, org_code and level are the item's when
-- the comment was written (level decided whether it was held for review).
-- root_id is the thread's top-level comment (its own id for one), depth 0
-- for it, 1 for a reply, 2 for a reply to a reply. author_phone is kept for
-- a resident only, to tell her of the review; it is never shown. position
-- is support, neutral or oppose on a resident's top-level comment, '' else.
-- status is pending, published or hidden; reason and note say why a hidden
-- one was hidden. reports counts the reports not yet dealt with; queued is
-- set while the comment waits for a moderator (pending, or reported).
CREATE TABLE comments (
    id           TEXT COLLATE "C" PRIMARY KEY,
    target_kind  TEXT COLLATE "C" NOT NULL,
    target_id    TEXT COLLATE "C" NOT NULL,
    area_code    TEXT COLLATE "C" NOT NULL DEFAULT '',
    org_code     TEXT COLLATE "C" NOT NULL DEFAULT '',
    level        TEXT NOT NULL DEFAULT 'residents',
    parent_id    TEXT COLLATE "C" NOT NULL DEFAULT '',
    root_id      TEXT COLLATE "C" NOT NULL,
    depth        INTEGER NOT NULL DEFAULT 0,
    author_id    TEXT COLLATE "C" NOT NULL,
    author_phone TEXT COLLATE "C" NOT NULL DEFAULT '',
    author_org   TEXT COLLATE "C" NOT NULL DEFAULT '',
    position     TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL,
    official     BOOLEAN NOT NULL DEFAULT FALSE,
    status       TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    reports      BIGINT NOT NULL DEFAULT 0,
    queued       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
-- A page of an item's threads, newest first: the item's top-level comments
-- in the order of the page; replies by their thread.
CREATE INDEX comments_target ON comments (target_kind, target_id, depth, created_at, id);
CREATE INDEX comments_root ON comments (root_id, created_at, id);
-- The daily limit of a user on an item, and the count by position.
CREATE INDEX comments_author ON comments (target_kind, target_id, author_id, created_at);
CREATE INDEX comments_queue ON comments (queued, area_code, created_at);

-- comment_reports: one report of a comment by a reader (举报), once each.
CREATE TABLE comment_reports (
    comment_id  TEXT COLLATE "C" NOT NULL REFERENCES comments (id),
    reporter_id TEXT COLLATE "C" NOT NULL,
    reason      TEXT NOT NULL,
    text        TEXT NOT NULL DEFAULT '',
    at          BIGINT NOT NULL,
    PRIMARY KEY (comment_id, reporter_id)
);

-- comment_events: every change of a comment, written in its transaction:
-- create (to pending or published), report (reason), publish and hide (by a
-- moderator, with the reason and note), and mode (the district's review
-- mode set: to_status is the mode; comment_id is empty). The public
-- moderation figures are counted from it.
CREATE TABLE comment_events (
    id          TEXT COLLATE "C" PRIMARY KEY,
    comment_id  TEXT COLLATE "C" NOT NULL DEFAULT '',
    at          BIGINT NOT NULL,
    actor_id    TEXT COLLATE "C" NOT NULL DEFAULT '',
    kind        TEXT NOT NULL,
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL DEFAULT '',
    text        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX comment_events_comment ON comment_events (comment_id, at);
CREATE INDEX comment_events_kind ON comment_events (kind, at);

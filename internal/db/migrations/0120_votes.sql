-- Owners' votes (业主共同决定, Civil Code art. 278; internal/vote).
--
-- votes: one row per vote of a residential compound (area_code). matter is
-- ordinary or major; status open or closed. The result columns are written
-- once, when the vote closes; areas are hundredths of a square metre.
CREATE TABLE votes (
    id           TEXT COLLATE "C" PRIMARY KEY,
    area_code    TEXT COLLATE "C" NOT NULL,
    title        TEXT NOT NULL,
    matter       TEXT NOT NULL,
    secret       BOOLEAN NOT NULL DEFAULT FALSE,
    status       TEXT NOT NULL,
    closes_at    BIGINT NOT NULL,
    created_by   TEXT COLLATE "C" NOT NULL,
    created_at   BIGINT NOT NULL,
    closed_by    TEXT COLLATE "C" NOT NULL DEFAULT '',
    closed_at    BIGINT,
    area_total   BIGINT NOT NULL DEFAULT 0,
    owners_total BIGINT NOT NULL DEFAULT 0,
    area_voted   BIGINT NOT NULL DEFAULT 0,
    owners_voted BIGINT NOT NULL DEFAULT 0,
    area_agree   BIGINT NOT NULL DEFAULT 0,
    owners_agree BIGINT NOT NULL DEFAULT 0,
    quorum_met   BOOLEAN NOT NULL DEFAULT FALSE,
    passed       BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX votes_area ON votes (area_code, created_at);
CREATE INDEX votes_due ON votes (status, closes_at);

-- vote_units: the register. area is hundredths of a square metre; owner the
-- owner's phone as auth.NormalizePhone writes it.
CREATE TABLE vote_units (
    vote_id TEXT COLLATE "C" NOT NULL,
    unit    TEXT COLLATE "C" NOT NULL,
    area    BIGINT NOT NULL,
    owner   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (vote_id, unit)
);
CREATE INDEX vote_units_owner ON vote_units (owner, vote_id);

-- vote_ballots: one per unit. channel is paper (recorded by the staff,
-- paper_ref the paper's reference) or online (the owner herself).
CREATE TABLE vote_ballots (
    vote_id   TEXT COLLATE "C" NOT NULL,
    unit      TEXT COLLATE "C" NOT NULL,
    choice    TEXT NOT NULL,
    channel   TEXT NOT NULL,
    paper_ref TEXT NOT NULL DEFAULT '',
    cast_by   TEXT COLLATE "C" NOT NULL,
    cast_at   BIGINT NOT NULL,
    PRIMARY KEY (vote_id, unit)
);

-- vote_events: every change of a vote, written in the change's transaction.
-- A ballot's event of a secret vote names the unit, never the choice.
-- seq numbers a vote's events from 1 (the vote's row is locked while one
-- is written).
CREATE TABLE vote_events (
    vote_id TEXT COLLATE "C" NOT NULL,
    seq     INTEGER NOT NULL,
    kind    TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT '',
    actor   TEXT COLLATE "C" NOT NULL,
    at      BIGINT NOT NULL,
    PRIMARY KEY (vote_id, seq)
);

-- Practice mode (internal/practice): an account that practises works in a
-- sandbox of its own, and nothing it does reaches a unit or an indicator.
--
-- practice_accounts: the accounts practising now, since when (milliseconds).
CREATE TABLE practice_accounts (
    user_id TEXT COLLATE "C" PRIMARY KEY,
    since   BIGINT NOT NULL
);

-- practice_events: every switch on or off, written in its transaction.
CREATE TABLE practice_events (
    user_id TEXT COLLATE "C" NOT NULL,
    seq     INTEGER NOT NULL,
    at      BIGINT NOT NULL,
    actor   TEXT COLLATE "C" NOT NULL,
    kind    TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (user_id, seq)
);

-- Hotspots and early warning (未诉先办, internal/insight/warning).
--
-- warning_counts: tickets per cluster place (a community's or a street's
-- area code, or a grid cell of about 300 m, 'g:<row>:<col>'), category and
-- week (weeks since Monday 1970-01-05 in the business zone), rolled up once
-- a week is over; the baselines read them, never the tickets' history.
-- warning_weeks: which weeks are rolled up, and the highest ticket number
-- of the week then (a later import into the week shows as a higher one and
-- the week is rolled up again).
CREATE TABLE warning_counts (
    place         TEXT COLLATE "C" NOT NULL,
    category_code TEXT COLLATE "C" NOT NULL,
    week          INTEGER NOT NULL,
    n             INTEGER NOT NULL,
    PRIMARY KEY (place, category_code, week)
);
CREATE INDEX warning_counts_week ON warning_counts (week);

CREATE TABLE warning_weeks (
    week       INTEGER PRIMARY KEY,
    max_number TEXT COLLATE "C" NOT NULL,
    rolled_at  BIGINT NOT NULL
);

-- warning_state: the detection's watermarks over ticket numbers. seen is
-- the highest number looked at; safe is a number below which every ticket
-- has surely been looked at (seen as it was at least a minute before, as a
-- ticket may commit after one numbered higher); mark and mark_at hold seen
-- as it was when it last moved into safe.
CREATE TABLE warning_state (
    id      INTEGER PRIMARY KEY,
    safe    TEXT COLLATE "C" NOT NULL,
    seen    TEXT COLLATE "C" NOT NULL,
    mark    TEXT COLLATE "C" NOT NULL,
    mark_at BIGINT NOT NULL
);

-- warnings: one row per warning (预警). level is community, street or cell;
-- place the cluster's area code or cell; area_code the community (or
-- street) it is shown under and told to. At most one open or acknowledged
-- warning per cluster: it follows the cluster as it grows.
CREATE TABLE warnings (
    id            TEXT COLLATE "C" PRIMARY KEY,
    level         TEXT NOT NULL,
    place         TEXT COLLATE "C" NOT NULL,
    area_code     TEXT COLLATE "C" NOT NULL,
    category_code TEXT COLLATE "C" NOT NULL,
    org_code      TEXT COLLATE "C" NOT NULL DEFAULT '',
    window_days   INTEGER NOT NULL,
    count         INTEGER NOT NULL,
    baseline      DOUBLE PRECISION NOT NULL,
    score         DOUBLE PRECISION NOT NULL,
    lat           DOUBLE PRECISION,
    lng           DOUBLE PRECISION,
    first_at      BIGINT NOT NULL,
    last_at       BIGINT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    status        TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    ticket_number TEXT COLLATE "C" NOT NULL DEFAULT '',
    rect_id       TEXT COLLATE "C" NOT NULL DEFAULT '',
    acted_by      TEXT COLLATE "C" NOT NULL DEFAULT '',
    acted_at      BIGINT
);
CREATE INDEX warnings_status ON warnings (status, last_at);
CREATE INDEX warnings_cluster ON warnings (place, category_code, created_at);

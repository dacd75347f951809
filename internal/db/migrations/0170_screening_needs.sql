-- Screening rounds (逐一排查, internal/screening) and residents' registered
-- needs with their consent (internal/needs).
--
-- screening_rounds: one round of checks in a grid (an area of the grid
-- level, or a community without grids). id is PC, the business date and a
-- sequence of the day; the period runs from starts_at to ends_at. status
-- is open until the background step ends it at ends_at (ended). listed and
-- checked count its places; reminded_at is when the grid's workers and
-- supervisors were told the end is a day away.
CREATE TABLE screening_rounds (
    id          TEXT COLLATE "C" PRIMARY KEY,
    area_code   TEXT COLLATE "C" NOT NULL REFERENCES areas (code),
    title       TEXT NOT NULL,
    starts_at   BIGINT NOT NULL,
    ends_at     BIGINT NOT NULL,
    status      TEXT NOT NULL,
    listed      BIGINT NOT NULL DEFAULT 0,
    checked     BIGINT NOT NULL DEFAULT 0,
    created_by  TEXT COLLATE "C" NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    ended_at    BIGINT,
    reminded_at BIGINT
);
CREATE INDEX screening_rounds_area ON screening_rounds (area_code, ends_at);
CREATE INDEX screening_rounds_due ON screening_rounds (status, ends_at);

-- screening_places: the households (household) and places (place) a round
-- lists, in order (seq). status is listed, checked, or missed (unchecked
-- when the round ended). result is clear (无异常) or finding; a finding
-- becomes an item of another kind (converted_to: ticket, mediation,
-- service) whose number is ref.
CREATE TABLE screening_places (
    round_id     TEXT COLLATE "C" NOT NULL REFERENCES screening_rounds (id),
    seq          INTEGER NOT NULL,
    address      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    status       TEXT NOT NULL,
    result       TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    converted_to TEXT NOT NULL DEFAULT '',
    ref          TEXT COLLATE "C" NOT NULL DEFAULT '',
    checked_by   TEXT COLLATE "C" NOT NULL DEFAULT '',
    checked_at   BIGINT,
    PRIMARY KEY (round_id, seq)
);

-- screening_events: every change of a round, written in its transaction.
CREATE TABLE screening_events (
    round_id TEXT COLLATE "C" NOT NULL,
    seq      INTEGER NOT NULL,
    at       BIGINT NOT NULL,
    actor    TEXT COLLATE "C" NOT NULL,
    kind     TEXT NOT NULL,
    detail   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (round_id, seq)
);

-- needs_registrations: a resident's registered needs, one row per phone
-- (as auth.NormalizePhone writes it); id names it to staff without the
-- phone. categories is a comma list
-- (alone, disability, care, elderly, other); area_code where she lives (a
-- grid, community or courtyard). consent_version and consent_at are the
-- consent text she agreed to and when; consent_mode is self (her own
-- account) or in_person (staff recorded her consent given in person,
-- recorded_by). status is active or withdrawn: a withdrawal empties the
-- row's personal fields, so nothing but the withdrawal remains.
CREATE TABLE needs_registrations (
    phone           TEXT COLLATE "C" PRIMARY KEY,
    id              TEXT COLLATE "C" NOT NULL UNIQUE,
    status          TEXT NOT NULL,
    area_code       TEXT COLLATE "C" NOT NULL DEFAULT '',
    name            TEXT NOT NULL DEFAULT '',
    address         TEXT NOT NULL DEFAULT '',
    categories      TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    consent_version TEXT NOT NULL DEFAULT '',
    consent_at      BIGINT,
    consent_mode    TEXT NOT NULL DEFAULT '',
    recorded_by     TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    withdrawn_at    BIGINT
);
CREATE INDEX needs_registrations_area ON needs_registrations (status, area_code);

-- needs_visits: the grid workers' visits to a resident with needs; removed
-- with her data when she withdraws.
CREATE TABLE needs_visits (
    id       TEXT COLLATE "C" PRIMARY KEY,
    phone    TEXT COLLATE "C" NOT NULL,
    at       BIGINT NOT NULL,
    actor    TEXT COLLATE "C" NOT NULL,
    note     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX needs_visits_phone ON needs_visits (phone, at);

-- needs_reads: every read of a resident's needs by staff: who (actor, her
-- name and organisation as they were), when, and the reason she gave. The
-- resident reads her own.
CREATE TABLE needs_reads (
    id         TEXT COLLATE "C" PRIMARY KEY,
    phone      TEXT COLLATE "C" NOT NULL,
    at         BIGINT NOT NULL,
    actor      TEXT COLLATE "C" NOT NULL,
    actor_name TEXT NOT NULL DEFAULT '',
    org_code   TEXT COLLATE "C" NOT NULL DEFAULT '',
    reason     TEXT NOT NULL
);
CREATE INDEX needs_reads_phone ON needs_reads (phone, at);

-- needs_events: every change of a registration (register, change, visit,
-- withdraw), without the personal data itself: the detail holds the
-- consent's version and mode, never the needs.
CREATE TABLE needs_events (
    phone     TEXT COLLATE "C" NOT NULL,
    seq       INTEGER NOT NULL,
    at        BIGINT NOT NULL,
    actor     TEXT COLLATE "C" NOT NULL,
    on_behalf BOOLEAN NOT NULL DEFAULT FALSE,
    kind      TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (phone, seq)
);

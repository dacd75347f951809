-- Training (internal/training): sessions held for staff, grid workers and
-- residents, and who attended each.
--
-- training_sessions: one session. audience is staff, grid_workers or
-- residents; guide is the role guide it covers (resident, grid_worker,
-- handler, dispatcher, supervisor, admin) or ''. Times are milliseconds.
CREATE TABLE training_sessions (
    id          TEXT COLLATE "C" PRIMARY KEY,
    title       TEXT NOT NULL,
    audience    TEXT NOT NULL,
    org_code    TEXT COLLATE "C" NOT NULL DEFAULT '',
    area_code   TEXT COLLATE "C" NOT NULL DEFAULT '',
    starts_at   BIGINT NOT NULL,
    place       TEXT NOT NULL DEFAULT '',
    guide       TEXT NOT NULL DEFAULT '',
    created_by  TEXT COLLATE "C" NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX training_sessions_starts ON training_sessions (starts_at);
CREATE INDEX training_sessions_area ON training_sessions (area_code, starts_at);

-- training_attendance: one person at one session, recorded once. person is
-- the account's id, or 'phone:' and the number for a resident without an
-- account; user_id and phone keep what was given.
CREATE TABLE training_attendance (
    session_id  TEXT COLLATE "C" NOT NULL REFERENCES training_sessions (id),
    person      TEXT COLLATE "C" NOT NULL,
    user_id     TEXT COLLATE "C" NOT NULL DEFAULT '',
    phone       TEXT COLLATE "C" NOT NULL DEFAULT '',
    recorded_by TEXT COLLATE "C" NOT NULL,
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (session_id, person)
);
CREATE INDEX training_attendance_user ON training_attendance (user_id);
CREATE INDEX training_attendance_phone ON training_attendance (phone);

-- training_events: every change of a session, written in its transaction.
CREATE TABLE training_events (
    session_id TEXT COLLATE "C" NOT NULL,
    seq        INTEGER NOT NULL,
    at         BIGINT NOT NULL,
    actor      TEXT COLLATE "C" NOT NULL,
    kind       TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (session_id, seq)
);

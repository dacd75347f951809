-- Self-service terminals (自助终端, internal/kiosk) in service halls,
-- community centres and village offices.
--
-- kiosk_terminals: one registered terminal site. key_hash is the hash of
-- the enrolment key (shown once; emptied when a browser is enrolled with
-- it), cookie_hash the hash of the enrolled browser's terminal cookie.
-- Times are milliseconds; 0 is never.
CREATE TABLE kiosk_terminals (
    id          TEXT COLLATE "C" PRIMARY KEY,
    name        TEXT NOT NULL,
    area_code   TEXT COLLATE "C" NOT NULL DEFAULT '',
    place       TEXT NOT NULL DEFAULT '',
    key_hash    TEXT COLLATE "C" NOT NULL DEFAULT '',
    cookie_hash TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_by  TEXT COLLATE "C" NOT NULL,
    created_at  BIGINT NOT NULL,
    enrolled_at BIGINT NOT NULL DEFAULT 0,
    last_seen   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX kiosk_terminals_key ON kiosk_terminals (key_hash);
CREATE INDEX kiosk_terminals_cookie ON kiosk_terminals (cookie_hash);

-- kiosk_beats: the minutes (Unix minutes) in which a terminal's page sent
-- a heartbeat; a terminal is online for three minutes after one.
CREATE TABLE kiosk_beats (
    terminal_id TEXT COLLATE "C" NOT NULL REFERENCES kiosk_terminals (id),
    minute      BIGINT NOT NULL,
    PRIMARY KEY (terminal_id, minute)
);

-- kiosk_visits: one resident's visit at a terminal, from her login with a
-- one-time code to its end (ended_at; reason end, idle). session_hash is the
-- hash of the web session the visit opened.
CREATE TABLE kiosk_visits (
    id           TEXT COLLATE "C" PRIMARY KEY,
    terminal_id  TEXT COLLATE "C" NOT NULL REFERENCES kiosk_terminals (id),
    session_hash TEXT COLLATE "C" NOT NULL,
    user_id      TEXT COLLATE "C" NOT NULL,
    started_at   BIGINT NOT NULL,
    last_input   BIGINT NOT NULL,
    ended_at     BIGINT NOT NULL DEFAULT 0,
    end_reason   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX kiosk_visits_session ON kiosk_visits (session_hash);
CREATE INDEX kiosk_visits_terminal ON kiosk_visits (terminal_id, started_at);

-- kiosk_tickets: the tickets filed during a visit, by terminal.
CREATE TABLE kiosk_tickets (
    ticket_number TEXT COLLATE "C" PRIMARY KEY,
    terminal_id   TEXT COLLATE "C" NOT NULL REFERENCES kiosk_terminals (id),
    visit_id      TEXT COLLATE "C" NOT NULL,
    filed_at      BIGINT NOT NULL
);
CREATE INDEX kiosk_tickets_terminal ON kiosk_tickets (terminal_id, filed_at);

-- kiosk_events: every change of a terminal, written in its transaction.
CREATE TABLE kiosk_events (
    terminal_id TEXT COLLATE "C" NOT NULL,
    seq         INTEGER NOT NULL,
    at          BIGINT NOT NULL,
    actor       TEXT COLLATE "C" NOT NULL,
    kind        TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (terminal_id, seq)
);

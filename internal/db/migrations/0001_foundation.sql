-- gongzhi foundation schema. Times are Unix milliseconds (BIGINT), the same on
-- every engine. Codes use the C collation so prefix ranges follow the code tree
-- (SQLite compares text bytewise already; there the migrator drops COLLATE "C").

CREATE TABLE areas (
    code        TEXT COLLATE "C" PRIMARY KEY,
    parent_code TEXT COLLATE "C" NOT NULL DEFAULT '',
    name        TEXT NOT NULL,
    level       TEXT NOT NULL,
    population  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX areas_parent ON areas (parent_code, code);

CREATE TABLE orgs (
    code        TEXT COLLATE "C" PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    area_code   TEXT COLLATE "C" NOT NULL REFERENCES areas (code),
    parent_code TEXT COLLATE "C" NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);
CREATE INDEX orgs_area ON orgs (area_code);

CREATE TABLE users (
    id            TEXT COLLATE "C" PRIMARY KEY,
    username      TEXT COLLATE "C" UNIQUE,
    phone         TEXT COLLATE "C" UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL,
    org_code      TEXT COLLATE "C" REFERENCES orgs (code),
    area_code     TEXT COLLATE "C" REFERENCES areas (code),
    password_hash TEXT NOT NULL DEFAULT '',
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL
);
CREATE INDEX users_org ON users (org_code);

CREATE TABLE memberships (
    user_id    TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    org_code   TEXT COLLATE "C" NOT NULL REFERENCES orgs (code),
    title      TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, org_code)
);
CREATE INDEX memberships_org ON memberships (org_code);

CREATE TABLE sessions (
    token_hash TEXT COLLATE "C" PRIMARY KEY,
    user_id    TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    kind       TEXT NOT NULL,
    csrf       TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE otp_codes (
    id         TEXT COLLATE "C" PRIMARY KEY,
    phone      TEXT COLLATE "C" NOT NULL,
    code_hash  TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    used_at    BIGINT
);
CREATE INDEX otp_codes_phone ON otp_codes (phone, created_at);

CREATE TABLE audit_log (
    id         TEXT COLLATE "C" PRIMARY KEY,
    at         BIGINT NOT NULL,
    user_id    TEXT COLLATE "C" NOT NULL,
    username   TEXT NOT NULL DEFAULT '',
    action     TEXT NOT NULL,
    object     TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_object ON audit_log (object, at);

CREATE TABLE categories (
    code           TEXT COLLATE "C" PRIMARY KEY,
    parent_code    TEXT COLLATE "C" NOT NULL DEFAULT '',
    name           TEXT NOT NULL,
    name_en        TEXT NOT NULL DEFAULT '',
    sign_hours     INTEGER NOT NULL DEFAULT 2,
    contact_hours  INTEGER NOT NULL DEFAULT 24,
    complete_hours INTEGER NOT NULL DEFAULT 120,
    sort           INTEGER NOT NULL DEFAULT 0,
    active         BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE INDEX categories_parent ON categories (parent_code, sort);

CREATE TABLE dispatch_rules (
    id            TEXT COLLATE "C" PRIMARY KEY,
    category_code TEXT COLLATE "C" NOT NULL DEFAULT '',
    area_code     TEXT COLLATE "C" NOT NULL DEFAULT '',
    org_code      TEXT COLLATE "C" NOT NULL REFERENCES orgs (code),
    created_at    BIGINT NOT NULL,
    UNIQUE (category_code, area_code)
);

CREATE TABLE counters (
    name  TEXT COLLATE "C" PRIMARY KEY,
    value BIGINT NOT NULL
);

CREATE TABLE tickets (
    number              TEXT COLLATE "C" PRIMARY KEY,
    kind                TEXT NOT NULL,
    status              TEXT NOT NULL,
    category_code       TEXT COLLATE "C" NOT NULL REFERENCES categories (code),
    area_code           TEXT COLLATE "C" NOT NULL DEFAULT '',
    description         TEXT NOT NULL,
    address             TEXT NOT NULL DEFAULT '',
    lat                 DOUBLE PRECISION,
    lng                 DOUBLE PRECISION,
    channel             TEXT NOT NULL,
    assigned_org_code   TEXT COLLATE "C" NOT NULL DEFAULT '',
    confidential        BOOLEAN NOT NULL DEFAULT FALSE,
    reporter_name       TEXT NOT NULL DEFAULT '',
    reporter_phone      TEXT COLLATE "C" NOT NULL DEFAULT '',
    reporter_user_id    TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_by          TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    dispatched_at       BIGINT,
    signed_at           BIGINT,
    contacted_at        BIGINT,
    replied_at          BIGINT,
    closed_at           BIGINT,
    due_sign_at         BIGINT,
    due_contact_at      BIGINT,
    due_complete_at     BIGINT,
    reply_text          TEXT NOT NULL DEFAULT '',
    reply_resolved      BOOLEAN,
    rating_resolved     BOOLEAN,
    rating_satisfaction TEXT NOT NULL DEFAULT '',
    rating_comment      TEXT NOT NULL DEFAULT '',
    rated_at            BIGINT,
    version             INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX tickets_org_status ON tickets (assigned_org_code, status, number);
CREATE INDEX tickets_status ON tickets (status, number);
CREATE INDEX tickets_area ON tickets (area_code, number);
CREATE INDEX tickets_reporter_user ON tickets (reporter_user_id, number);
CREATE INDEX tickets_reporter_phone ON tickets (reporter_phone, number);

CREATE TABLE ticket_events (
    ticket_number TEXT COLLATE "C" NOT NULL REFERENCES tickets (number),
    seq           INTEGER NOT NULL,
    at            BIGINT NOT NULL,
    actor_id      TEXT COLLATE "C" NOT NULL DEFAULT '',
    actor_name    TEXT NOT NULL DEFAULT '',
    actor_role    TEXT NOT NULL DEFAULT '',
    action        TEXT NOT NULL,
    from_status   TEXT NOT NULL DEFAULT '',
    to_status     TEXT NOT NULL DEFAULT '',
    org_code      TEXT COLLATE "C" NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (ticket_number, seq)
);

CREATE TABLE settings (
    key   TEXT COLLATE "C" PRIMARY KEY,
    value TEXT NOT NULL
);

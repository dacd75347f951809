-- Co-handling (联办): helper units, each with its own part.
CREATE TABLE ticket_helpers (
    ticket_number TEXT COLLATE "C" NOT NULL REFERENCES tickets (number),
    org_code      TEXT COLLATE "C" NOT NULL REFERENCES orgs (code),
    status        TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    reply_text    TEXT NOT NULL DEFAULT '',
    added_at      BIGINT NOT NULL,
    signed_at     BIGINT,
    replied_at    BIGINT,
    PRIMARY KEY (ticket_number, org_code)
);
CREATE INDEX ticket_helpers_org ON ticket_helpers (org_code, status);

-- Summons (吹哨报到) and escalations (督办): a unit must report within a time.
CREATE TABLE ticket_summons (
    id            TEXT COLLATE "C" PRIMARY KEY,
    ticket_number TEXT COLLATE "C" NOT NULL REFERENCES tickets (number),
    kind          TEXT NOT NULL,
    org_code      TEXT COLLATE "C" NOT NULL REFERENCES orgs (code),
    by_user       TEXT COLLATE "C" NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    due_at        BIGINT NOT NULL,
    status        TEXT NOT NULL,
    reported_at   BIGINT,
    report_note   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ticket_summons_ticket ON ticket_summons (ticket_number);
CREATE INDEX ticket_summons_org ON ticket_summons (org_code, status);
CREATE INDEX ticket_summons_due ON ticket_summons (status, due_at);

-- Notifications to units, staff and reporters (reminders, returns, replies).
CREATE TABLE notifications (
    id            TEXT COLLATE "C" PRIMARY KEY,
    at            BIGINT NOT NULL,
    org_code      TEXT COLLATE "C" NOT NULL DEFAULT '',
    area_code     TEXT COLLATE "C" NOT NULL DEFAULT '',
    role          TEXT NOT NULL DEFAULT '',
    phone         TEXT COLLATE "C" NOT NULL DEFAULT '',
    ticket_number TEXT COLLATE "C" NOT NULL DEFAULT '',
    kind          TEXT NOT NULL,
    text          TEXT NOT NULL,
    read_at       BIGINT
);
CREATE INDEX notifications_org ON notifications (org_code, at);
CREATE INDEX notifications_phone ON notifications (phone, at);
CREATE INDEX notifications_role_area ON notifications (role, area_code, at);

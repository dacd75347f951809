-- Agreements (协议/责任清单, internal/agreement) between the district and an
-- organisation outside the government: a property company, a social
-- organisation, a service provider, a company or a technology vendor.
--
-- agreements: one agreement. areas and categories are the codes of its
-- scope, separated by spaces (each covers its subtree; categories empty:
-- every category); data_areas are the areas whose residents' personal data
-- its staff may read (empty: its whole scope), and see_phone, see_name and
-- see_address which fields. starts_on and ends_on are business dates
-- (2026-01-31), both inclusive. status is active, suspended or ended; an
-- active agreement past its end date admits nobody.
CREATE TABLE agreements (
    id          TEXT COLLATE "C" PRIMARY KEY,
    org_code    TEXT COLLATE "C" NOT NULL REFERENCES orgs (code),
    title       TEXT NOT NULL,
    areas       TEXT NOT NULL DEFAULT '',
    categories  TEXT NOT NULL DEFAULT '',
    services    TEXT NOT NULL DEFAULT '',
    rights      TEXT NOT NULL DEFAULT '',
    data_areas  TEXT NOT NULL DEFAULT '',
    see_phone   BOOLEAN NOT NULL DEFAULT FALSE,
    see_name    BOOLEAN NOT NULL DEFAULT FALSE,
    see_address BOOLEAN NOT NULL DEFAULT FALSE,
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_by  TEXT COLLATE "C" NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX agreements_org ON agreements (org_code, status);

-- agreement_duties: the duties of an agreement, one per category, each with
-- the time limit (ticket.Limit text: 48h, 3d) within which the organisation
-- completes the tickets of that category (and those under it) it handles.
CREATE TABLE agreement_duties (
    agreement_id  TEXT COLLATE "C" NOT NULL REFERENCES agreements (id),
    category_code TEXT COLLATE "C" NOT NULL,
    time_limit    TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (agreement_id, category_code)
);

-- agreement_events: every change of an agreement, written in its transaction.
CREATE TABLE agreement_events (
    agreement_id TEXT COLLATE "C" NOT NULL,
    seq          INTEGER NOT NULL,
    at           BIGINT NOT NULL,
    actor        TEXT COLLATE "C" NOT NULL,
    kind         TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (agreement_id, seq)
);

-- The monthly report of reads of personal data walks the log by action.
CREATE INDEX audit_log_action ON audit_log (action, at);

-- People's mediation (人民调解, internal/mediation).
--
-- A committee is an organisation of kind mediation_committee (orgs);
-- mediation_members is its membership: 3 to 9 members, checked by the
-- service whenever the list is set and before a case is accepted. user_id,
-- when given, is the member's staff account (she mediates on the pages).
CREATE TABLE mediation_members (
    id         TEXT COLLATE "C" PRIMARY KEY,
    org_code   TEXT COLLATE "C" NOT NULL REFERENCES orgs (code),
    seq        INTEGER NOT NULL,
    name       TEXT NOT NULL,
    phone      TEXT COLLATE "C" NOT NULL DEFAULT '',
    user_id    TEXT COLLATE "C" NOT NULL DEFAULT '',
    duty       TEXT NOT NULL,
    created_by TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX mediation_members_org ON mediation_members (org_code, seq);
CREATE INDEX mediation_members_user ON mediation_members (user_id) WHERE user_id <> '';

-- mediation_cases: one dispute. number is TJ, the business date and a
-- sequence of the day, or the number of the ticket it came from
-- (ticket_number then equals it). source is application, initiative,
-- police, court or hotline. risk is red, orange, yellow or blue; violence
-- whether the staff marked that violence threatens; police_referred_at
-- when the case was referred to the police for it. There is no fee:
-- mediation is free. The agreement's columns are filled once it is made
-- (agreement is written or verbal); dates (effective_on,
-- confirmation_deadline, perform_by, follow_up_on) are YYYY-MM-DD in
-- business time. confirmation is none, applied, granted or refused.
CREATE TABLE mediation_cases (
    number                TEXT COLLATE "C" PRIMARY KEY,
    ticket_number         TEXT COLLATE "C" NOT NULL DEFAULT '',
    source                TEXT NOT NULL,
    source_note           TEXT NOT NULL DEFAULT '',
    dispute_type          TEXT NOT NULL,
    summary               TEXT NOT NULL,
    area_code             TEXT COLLATE "C" NOT NULL REFERENCES areas (code),
    committee             TEXT COLLATE "C" NOT NULL REFERENCES orgs (code),
    risk                  TEXT NOT NULL,
    violence              BOOLEAN NOT NULL DEFAULT FALSE,
    leaders_told_at       BIGINT,
    police_referred_at    BIGINT,
    police_note           TEXT NOT NULL DEFAULT '',
    status                TEXT NOT NULL,
    next_session_at       BIGINT,
    agreement             TEXT NOT NULL DEFAULT '',
    facts                 TEXT NOT NULL DEFAULT '',
    content               TEXT NOT NULL DEFAULT '',
    performance           TEXT NOT NULL DEFAULT '',
    perform_by            TEXT NOT NULL DEFAULT '',
    effective_on          TEXT NOT NULL DEFAULT '',
    confirmation_deadline TEXT NOT NULL DEFAULT '',
    copies                INTEGER NOT NULL DEFAULT 0,
    committee_sealed      BOOLEAN NOT NULL DEFAULT FALSE,
    agreed_at             BIGINT,
    confirmation          TEXT NOT NULL DEFAULT 'none',
    confirmation_on       TEXT NOT NULL DEFAULT '',
    reminded_at           BIGINT,
    follow_up_on          TEXT NOT NULL DEFAULT '',
    performed             TEXT NOT NULL DEFAULT '',
    followed_up_at        BIGINT,
    end_reason            TEXT NOT NULL DEFAULT '',
    routes                TEXT NOT NULL DEFAULT '',
    ended_at              BIGINT,
    created_by            TEXT COLLATE "C" NOT NULL,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);
CREATE INDEX mediation_cases_area ON mediation_cases (area_code, updated_at);
CREATE INDEX mediation_cases_committee ON mediation_cases (committee, status);
CREATE INDEX mediation_cases_deadline ON mediation_cases (status, confirmation, confirmation_deadline);

-- mediation_parties: the parties of a case in order; role applicant or
-- respondent; phone as auth.NormalizePhone writes it (she reads her case
-- by it); refused_at when she refused mediation. signature and signed_by
-- record her signature of the agreement: image (an image kept by the
-- attachment service, its SHA-256 in sig_sha256) or in_person (the
-- mediator recorded that she signed the paper).
CREATE TABLE mediation_parties (
    case_number  TEXT COLLATE "C" NOT NULL REFERENCES mediation_cases (number),
    seq          INTEGER NOT NULL,
    name         TEXT NOT NULL,
    phone        TEXT COLLATE "C" NOT NULL DEFAULT '',
    role         TEXT NOT NULL,
    address      TEXT NOT NULL DEFAULT '',
    claim        TEXT NOT NULL DEFAULT '',
    refused_at   BIGINT,
    PRIMARY KEY (case_number, seq)
);
CREATE INDEX mediation_parties_phone ON mediation_parties (phone, case_number);

-- mediation_mediators: the committee members who mediate a case, assigned
-- by the committee or chosen by the parties (chosen).
CREATE TABLE mediation_mediators (
    case_number TEXT COLLATE "C" NOT NULL REFERENCES mediation_cases (number),
    member_id   TEXT COLLATE "C" NOT NULL REFERENCES mediation_members (id),
    chosen      BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (case_number, member_id)
);
CREATE INDEX mediation_mediators_member ON mediation_mediators (member_id);

-- mediation_sessions: what happened at each session (调解笔录).
CREATE TABLE mediation_sessions (
    case_number TEXT COLLATE "C" NOT NULL REFERENCES mediation_cases (number),
    seq         INTEGER NOT NULL,
    held_at     BIGINT NOT NULL,
    place       TEXT NOT NULL,
    record      TEXT NOT NULL,
    created_by  TEXT COLLATE "C" NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (case_number, seq)
);

-- mediation_signatures: a party's signature of a session's record
-- (session > 0) or of the agreement (session = 0): kind image (the image
-- kept by the attachment service) or in_person (recorded by the mediator).
CREATE TABLE mediation_signatures (
    case_number  TEXT COLLATE "C" NOT NULL REFERENCES mediation_cases (number),
    session      INTEGER NOT NULL,
    party        INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    sha256       TEXT COLLATE "C" NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT '',
    size         BIGINT NOT NULL DEFAULT 0,
    width        BIGINT NOT NULL DEFAULT 0,
    height       BIGINT NOT NULL DEFAULT 0,
    recorded_by  TEXT COLLATE "C" NOT NULL,
    at           BIGINT NOT NULL,
    PRIMARY KEY (case_number, session, party)
);
CREATE INDEX mediation_signatures_sha ON mediation_signatures (sha256);

-- mediation_events: every change of a case, written in its transaction.
CREATE TABLE mediation_events (
    case_number TEXT COLLATE "C" NOT NULL,
    seq         INTEGER NOT NULL,
    at          BIGINT NOT NULL,
    actor       TEXT COLLATE "C" NOT NULL,
    kind        TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (case_number, seq)
);

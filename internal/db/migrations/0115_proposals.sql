-- Residence and proposals (提案, internal/proposal).
--
-- area_residents: a resident (her phone, as auth.NormalizePhone writes it)
-- linked to an area by staff who checked where she lives, or by an import.
-- She is a resident of the area and of every area above it.
CREATE TABLE area_residents (
    area_code   TEXT COLLATE "C" NOT NULL REFERENCES areas (code),
    phone       TEXT COLLATE "C" NOT NULL,
    verified_by TEXT COLLATE "C" NOT NULL,
    verified_at BIGINT NOT NULL,
    source      TEXT NOT NULL,
    PRIMARY KEY (area_code, phone)
);
CREATE INDEX area_residents_phone ON area_residents (phone, area_code);

-- proposals: the current state of each proposal. level and area_code are
-- where it stands now (an escalation moves both up); origin_area_code is
-- where it was raised. org_code is the organisation that must answer once
-- it is accepted or escalated, answer_due when.
CREATE TABLE proposals (
    number           TEXT COLLATE "C" PRIMARY KEY,
    level            TEXT NOT NULL,
    area_code        TEXT COLLATE "C" NOT NULL REFERENCES areas (code),
    origin_area_code TEXT COLLATE "C" NOT NULL,
    title            TEXT NOT NULL,
    body             TEXT NOT NULL,
    proposer_phone   TEXT COLLATE "C" NOT NULL,
    status           TEXT NOT NULL,
    population       BIGINT NOT NULL,
    threshold        BIGINT NOT NULL,
    cosigns          BIGINT NOT NULL DEFAULT 0,
    collect_until    BIGINT NOT NULL,
    org_code         TEXT COLLATE "C" NOT NULL DEFAULT '',
    accepted_at      BIGINT,
    answer_due       BIGINT,
    answered_at      BIGINT,
    answered_late    BOOLEAN NOT NULL DEFAULT FALSE,
    answer_text      TEXT NOT NULL DEFAULT '',
    progress         BIGINT NOT NULL DEFAULT 0,
    tickets          TEXT NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX proposals_area ON proposals (area_code, number);
CREATE INDEX proposals_status ON proposals (status, collect_until);
CREATE INDEX proposals_org ON proposals (org_code, status, answer_due);
CREATE INDEX proposals_proposer ON proposals (proposer_phone, number);

-- proposal_cosigns: one row per resident who co-signed (附议).
CREATE TABLE proposal_cosigns (
    number TEXT COLLATE "C" NOT NULL REFERENCES proposals (number),
    phone  TEXT COLLATE "C" NOT NULL,
    at     BIGINT NOT NULL,
    PRIMARY KEY (number, phone)
);

-- proposal_events: every change of a proposal, written in its transaction;
-- seq numbers a proposal's events in order.
CREATE TABLE proposal_events (
    id          TEXT COLLATE "C" PRIMARY KEY,
    number      TEXT COLLATE "C" NOT NULL REFERENCES proposals (number),
    seq         BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    actor_id    TEXT COLLATE "C" NOT NULL DEFAULT '',
    kind        TEXT NOT NULL,
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL DEFAULT '',
    level       TEXT NOT NULL DEFAULT '',
    area_code   TEXT COLLATE "C" NOT NULL DEFAULT '',
    org_code    TEXT COLLATE "C" NOT NULL DEFAULT '',
    late        BOOLEAN NOT NULL DEFAULT FALSE,
    percent     BIGINT NOT NULL DEFAULT 0,
    text        TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX proposal_events_number ON proposal_events (number, seq);
CREATE INDEX proposal_events_org ON proposal_events (org_code, kind, at);

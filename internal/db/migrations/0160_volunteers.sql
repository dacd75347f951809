-- Volunteers and points (志愿服务, 积分制, internal/volunteer).
--
-- volunteers: a resident (phone as auth.NormalizePhone writes it) who
-- registered to volunteer in a community, once each; areas are the codes
-- (the community or areas within it) she serves, separated by spaces.
-- status is pending, approved or rejected by the community's staff.
CREATE TABLE volunteers (
    id             TEXT COLLATE "C" PRIMARY KEY,
    phone          TEXT COLLATE "C" NOT NULL,
    name           TEXT NOT NULL,
    skills         TEXT NOT NULL DEFAULT '',
    community_code TEXT COLLATE "C" NOT NULL REFERENCES areas (code),
    areas          TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    decided_by     TEXT COLLATE "C" NOT NULL DEFAULT '',
    decided_at     BIGINT
);
CREATE UNIQUE INDEX volunteers_phone ON volunteers (phone);
CREATE INDEX volunteers_community ON volunteers (community_code, status, created_at);

-- volunteer_tasks: a task posted by a community (org_code the posting
-- organisation, community_code its community) for an area within it.
-- places is how many volunteers it needs, taken how many signed up: a
-- sign-up raises taken only while taken < places.
CREATE TABLE volunteer_tasks (
    id             TEXT COLLATE "C" PRIMARY KEY,
    area_code      TEXT COLLATE "C" NOT NULL REFERENCES areas (code),
    community_code TEXT COLLATE "C" NOT NULL,
    org_code       TEXT COLLATE "C" NOT NULL DEFAULT '',
    title          TEXT NOT NULL,
    place          TEXT NOT NULL,
    starts_at      BIGINT NOT NULL,
    places         BIGINT NOT NULL,
    taken          BIGINT NOT NULL DEFAULT 0,
    status         TEXT NOT NULL,
    created_by     TEXT COLLATE "C" NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE INDEX volunteer_tasks_community ON volunteer_tasks (community_code, starts_at);
CREATE INDEX volunteer_tasks_org ON volunteer_tasks (org_code, starts_at);

-- volunteer_signups: one row per volunteer signed up for a task. status is
-- signed, withdrawn, confirmed (hours in tenths of an hour, confirmed by
-- the organiser) or absent.
CREATE TABLE volunteer_signups (
    task_id      TEXT COLLATE "C" NOT NULL REFERENCES volunteer_tasks (id),
    volunteer_id TEXT COLLATE "C" NOT NULL REFERENCES volunteers (id),
    phone        TEXT COLLATE "C" NOT NULL,
    status       TEXT NOT NULL,
    at           BIGINT NOT NULL,
    tenths       BIGINT NOT NULL DEFAULT 0,
    confirmed_by TEXT COLLATE "C" NOT NULL DEFAULT '',
    confirmed_at BIGINT,
    PRIMARY KEY (task_id, volunteer_id)
);
CREATE INDEX volunteer_signups_phone ON volunteer_signups (phone, at);

-- volunteer_accounts: one row per person with points, locked (PostgreSQL)
-- while a redemption reads her balance and writes its entry.
CREATE TABLE volunteer_accounts (
    phone      TEXT COLLATE "C" PRIMARY KEY,
    created_at BIGINT NOT NULL
);

-- volunteer_points: the points ledger, appended to only. A balance is the
-- sum of a phone's deltas. cause_kind is hours, cosign, meeting, survey or
-- redeem; cause_ref the task, proposal, meeting, survey or code; a cause
-- gives a phone one entry, so re-running an award never awards twice.
CREATE TABLE volunteer_points (
    id         TEXT COLLATE "C" PRIMARY KEY,
    phone      TEXT COLLATE "C" NOT NULL REFERENCES volunteer_accounts (phone),
    delta      BIGINT NOT NULL,
    cause_kind TEXT NOT NULL,
    cause_ref  TEXT COLLATE "C" NOT NULL,
    at         BIGINT NOT NULL,
    by_user    TEXT COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX volunteer_points_cause ON volunteer_points (phone, cause_kind, cause_ref);
CREATE INDEX volunteer_points_phone ON volunteer_points (phone, at);

-- volunteer_shops: the partner shops (organisations) where points are
-- redeemed, kept by the administrator.
CREATE TABLE volunteer_shops (
    org_code TEXT COLLATE "C" PRIMARY KEY REFERENCES orgs (code),
    added_by TEXT COLLATE "C" NOT NULL,
    added_at BIGINT NOT NULL
);

-- volunteer_codes: a redemption code a resident made for points; status is
-- pending until a shop confirms it (redeemed) or she withdraws it; past
-- expires_at it is void.
CREATE TABLE volunteer_codes (
    id          TEXT COLLATE "C" PRIMARY KEY,
    code        TEXT COLLATE "C" NOT NULL,
    phone       TEXT COLLATE "C" NOT NULL,
    points      BIGINT NOT NULL,
    status      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    shop_org    TEXT COLLATE "C" NOT NULL DEFAULT '',
    redeemed_by TEXT COLLATE "C" NOT NULL DEFAULT '',
    redeemed_at BIGINT
);
CREATE UNIQUE INDEX volunteer_codes_code ON volunteer_codes (code);
CREATE INDEX volunteer_codes_phone ON volunteer_codes (phone, status, expires_at);

-- volunteer_watermarks: how far the award of participation points has read
-- each source (cosign, meeting, survey): the time, reference and phone of
-- the last act read.
CREATE TABLE volunteer_watermarks (
    source TEXT COLLATE "C" PRIMARY KEY,
    at     BIGINT NOT NULL,
    ref    TEXT COLLATE "C" NOT NULL,
    phone  TEXT COLLATE "C" NOT NULL
);

-- volunteer_events: every change of a registration, a task, a sign-up, a
-- code or the shops, written in its transaction. subject is the volunteer,
-- task, code or shop; on_behalf the volunteer staff acted for.
CREATE TABLE volunteer_events (
    id        TEXT COLLATE "C" PRIMARY KEY,
    subject   TEXT COLLATE "C" NOT NULL,
    at        BIGINT NOT NULL,
    actor     TEXT COLLATE "C" NOT NULL,
    on_behalf TEXT COLLATE "C" NOT NULL DEFAULT '',
    kind      TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX volunteer_events_subject ON volunteer_events (subject, at);

-- The award of participation points reads the acts of taking part in the
-- order of their time, past its watermark.
CREATE INDEX proposal_cosigns_at ON proposal_cosigns (at, number, phone);
CREATE INDEX meeting_members_signed ON meeting_members (signed_at, meeting_id, phone);
CREATE INDEX survey_respondents_at ON survey_respondents (at, survey_id, respondent);

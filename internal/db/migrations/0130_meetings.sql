-- Consultation meetings (议事会, internal/meeting).
--
-- meeting_representatives: the standing roster of an area's 议事会 (a
-- street, a community or a courtyard). kind is resident, party_member,
-- owners_committee, property or organisation; org_name the organisation she
-- speaks for; phone, when given, as auth.NormalizePhone writes it (a
-- resident's account: she sees the meeting, is told and signs herself in).
-- A phone is on an area's roster once.
CREATE TABLE meeting_representatives (
    id         TEXT COLLATE "C" PRIMARY KEY,
    area_code  TEXT COLLATE "C" NOT NULL REFERENCES areas (code),
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    org_name   TEXT NOT NULL DEFAULT '',
    phone      TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_by TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX meeting_representatives_area ON meeting_representatives (area_code, created_at);
CREATE UNIQUE INDEX meeting_representatives_phone ON meeting_representatives (area_code, phone) WHERE phone <> '';

-- meetings: one row per meeting. id is YS, the business date and a
-- sequence of the day. org_code is the convening organisation (the
-- disclosure's organisation); quorum is majority (more than half of the
-- roster) or two_thirds (at least two thirds); roster is the number of
-- members fixed by the notice, present those signed in.
CREATE TABLE meetings (
    id           TEXT COLLATE "C" PRIMARY KEY,
    area_code    TEXT COLLATE "C" NOT NULL REFERENCES areas (code),
    org_code     TEXT COLLATE "C" NOT NULL DEFAULT '',
    title        TEXT NOT NULL,
    agenda       TEXT NOT NULL,
    place        TEXT NOT NULL,
    starts_at    BIGINT NOT NULL,
    quorum       TEXT NOT NULL,
    level        TEXT NOT NULL,
    status       TEXT NOT NULL,
    roster       BIGINT NOT NULL DEFAULT 0,
    present      BIGINT NOT NULL DEFAULT 0,
    minutes      TEXT NOT NULL DEFAULT '',
    created_by   TEXT COLLATE "C" NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    noticed_at   BIGINT,
    opened_at    BIGINT,
    closed_at    BIGINT,
    published_at BIGINT
);
CREATE INDEX meetings_area ON meetings (area_code, id);

-- meeting_members: the roster of one meeting, copied from the area's at the
-- notice (so later changes of the roster leave the meeting as it was).
-- notice is sms (a notification to her phone) or paper (handed to her);
-- signed_by is who signed her in, proxy whether staff did it for her.
CREATE TABLE meeting_members (
    meeting_id TEXT COLLATE "C" NOT NULL REFERENCES meetings (id),
    rep_id     TEXT COLLATE "C" NOT NULL,
    seq        INTEGER NOT NULL,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    org_name   TEXT NOT NULL DEFAULT '',
    phone      TEXT COLLATE "C" NOT NULL DEFAULT '',
    notice     TEXT NOT NULL,
    signed_at  BIGINT,
    signed_by  TEXT COLLATE "C" NOT NULL DEFAULT '',
    proxy      BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (meeting_id, rep_id)
);
CREATE INDEX meeting_members_phone ON meeting_members (phone, meeting_id);

-- meeting_resolutions: what the meeting resolved, by show of hands (the
-- counts the staff entered) or by ballot (meeting_ballots, counted).
-- present is the number signed in when it was taken.
CREATE TABLE meeting_resolutions (
    meeting_id    TEXT COLLATE "C" NOT NULL REFERENCES meetings (id),
    seq           INTEGER NOT NULL,
    text          TEXT NOT NULL,
    method        TEXT NOT NULL,
    present       BIGINT NOT NULL,
    votes_for     BIGINT NOT NULL,
    votes_against BIGINT NOT NULL,
    votes_abstain BIGINT NOT NULL,
    passed        BOOLEAN NOT NULL,
    created_by    TEXT COLLATE "C" NOT NULL,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (meeting_id, seq)
);

-- meeting_ballots: one choice (for, against, abstain) per present member
-- of a resolution taken by ballot.
CREATE TABLE meeting_ballots (
    meeting_id  TEXT COLLATE "C" NOT NULL,
    seq         INTEGER NOT NULL,
    rep_id      TEXT COLLATE "C" NOT NULL,
    choice      TEXT NOT NULL,
    recorded_by TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (meeting_id, seq, rep_id)
);

-- meeting_tasks: the follow-up of a passed resolution (its seq), owned by an
-- organisation (owner_org) or a member (owner_rep, owner_phone to tell
-- her), due on the working-day calendar. reminded_at and overdue_at are
-- when the owner was told it is due soon and that it is overdue: once each.
CREATE TABLE meeting_tasks (
    id          TEXT COLLATE "C" PRIMARY KEY,
    meeting_id  TEXT COLLATE "C" NOT NULL REFERENCES meetings (id),
    resolution  INTEGER NOT NULL,
    text        TEXT NOT NULL,
    owner_org   TEXT COLLATE "C" NOT NULL DEFAULT '',
    owner_rep   TEXT COLLATE "C" NOT NULL DEFAULT '',
    owner_name  TEXT NOT NULL DEFAULT '',
    owner_phone TEXT COLLATE "C" NOT NULL DEFAULT '',
    days        INTEGER NOT NULL,
    due_at      BIGINT NOT NULL,
    status      TEXT NOT NULL,
    created_by  TEXT COLLATE "C" NOT NULL,
    created_at  BIGINT NOT NULL,
    done_by     TEXT COLLATE "C" NOT NULL DEFAULT '',
    done_at     BIGINT,
    done_note   TEXT NOT NULL DEFAULT '',
    reminded_at BIGINT,
    overdue_at  BIGINT
);
CREATE INDEX meeting_tasks_meeting ON meeting_tasks (meeting_id, created_at);
CREATE INDEX meeting_tasks_org ON meeting_tasks (owner_org, status, due_at);
CREATE INDEX meeting_tasks_due ON meeting_tasks (status, due_at);

-- meeting_events: every change of a meeting, written in its transaction
-- (the meeting's row locked on PostgreSQL). actor is the user who acted;
-- on_behalf the member (rep_id) staff acted for, as when they sign her in.
CREATE TABLE meeting_events (
    meeting_id TEXT COLLATE "C" NOT NULL,
    seq        INTEGER NOT NULL,
    at         BIGINT NOT NULL,
    actor      TEXT COLLATE "C" NOT NULL,
    on_behalf  TEXT COLLATE "C" NOT NULL DEFAULT '',
    kind       TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, seq)
);

-- Topics, announcements and village affairs and finance disclosure (议题,
-- 公告/公示, 村务公开, 财务公开; internal/notice).
--
-- notices: the current state of each item. kind is topic, announcement,
-- village_affairs or finance; level its disclosure level (internal/
-- disclosure); org_code the publishing organisation. period names the
-- month ("2026-10") or quarter ("2026-Q3") a village affairs or finance
-- item discloses, '' for the others. comment_until ends a topic's comment
-- period; notice_from and notice_until bound the public-notice period
-- (公示期) during which residents raise objections. objections counts those
-- raised, pending those not yet answered.
CREATE TABLE notices (
    number        TEXT COLLATE "C" PRIMARY KEY,
    kind          TEXT NOT NULL,
    area_code     TEXT COLLATE "C" NOT NULL REFERENCES areas (code),
    org_code      TEXT COLLATE "C" NOT NULL DEFAULT '',
    level         TEXT NOT NULL,
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    period        TEXT COLLATE "C" NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    comment_days  BIGINT NOT NULL DEFAULT 0,
    notice_days   BIGINT NOT NULL DEFAULT 0,
    comment_until BIGINT,
    notice_from   BIGINT,
    notice_until  BIGINT,
    decision      TEXT NOT NULL DEFAULT '',
    summary       TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    objections    BIGINT NOT NULL DEFAULT 0,
    pending       BIGINT NOT NULL DEFAULT 0,
    created_by    TEXT COLLATE "C" NOT NULL,
    created_at    BIGINT NOT NULL,
    published_at  BIGINT,
    final_at      BIGINT,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX notices_area ON notices (area_code, number);
CREATE INDEX notices_due ON notices (status, notice_until);
CREATE INDEX notices_org ON notices (org_code, kind, period);

-- notice_lines: the income and expense lines of a finance item, amounts in
-- fen (分).
CREATE TABLE notice_lines (
    number     TEXT COLLATE "C" NOT NULL REFERENCES notices (number),
    seq        BIGINT NOT NULL,
    direction  TEXT NOT NULL,
    item       TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    PRIMARY KEY (number, seq)
);

-- notice_objections: the objections (异议) raised during the public-notice
-- period, numbered from 1 within their item, with the publishing
-- organisation's answer. phone is the resident's; entered_by the user who
-- entered it (staff when on_behalf).
CREATE TABLE notice_objections (
    number      TEXT COLLATE "C" NOT NULL REFERENCES notices (number),
    seq         BIGINT NOT NULL,
    phone       TEXT COLLATE "C" NOT NULL,
    entered_by  TEXT COLLATE "C" NOT NULL,
    on_behalf   BOOLEAN NOT NULL DEFAULT FALSE,
    text        TEXT NOT NULL,
    at          BIGINT NOT NULL,
    answer      TEXT NOT NULL DEFAULT '',
    changed     BOOLEAN NOT NULL DEFAULT FALSE,
    answered_by TEXT COLLATE "C" NOT NULL DEFAULT '',
    answered_at BIGINT,
    PRIMARY KEY (number, seq)
);
CREATE INDEX notice_objections_phone ON notice_objections (phone, number);

-- notice_events: every change of an item, written in its transaction.
-- actor_id is who acted; on_behalf the phone of the resident she acted for,
-- '' when she acted for herself.
CREATE TABLE notice_events (
    number      TEXT COLLATE "C" NOT NULL REFERENCES notices (number),
    seq         BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    actor_id    TEXT COLLATE "C" NOT NULL DEFAULT '',
    on_behalf   TEXT COLLATE "C" NOT NULL DEFAULT '',
    kind        TEXT NOT NULL,
    from_status TEXT NOT NULL DEFAULT '',
    to_status   TEXT NOT NULL DEFAULT '',
    objection   BIGINT NOT NULL DEFAULT 0,
    text        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (number, seq)
);

-- notice_schedule_rules: how often the village committees at and below an
-- area disclose village affairs and finance (monthly, quarterly or none),
-- and how many days after a period ends its disclosure is due. The rule of
-- the nearest area above a committee applies; without one, the defaults.
CREATE TABLE notice_schedule_rules (
    area_code TEXT COLLATE "C" NOT NULL REFERENCES areas (code),
    kind      TEXT NOT NULL,
    period    TEXT NOT NULL,
    due_days  BIGINT NOT NULL,
    set_by    TEXT COLLATE "C" NOT NULL,
    set_at    BIGINT NOT NULL,
    PRIMARY KEY (area_code, kind)
);

-- Evaluation aggregates (评价 speed): the month's figures as a sum over days.
--
-- evaluation_days holds, for each business day (YYYY-MM-DD, Asia/Shanghai),
-- the additive counts of the package evaluation's definitions, twice: kind
-- 'u' by unit (code = the lead unit of closed tickets, the event's org_code
-- for events) and kind 'a' by area (code = the ticket's full area code). A
-- period of whole days is a SUM over its days. overdue counts, per (ticket,
-- unit), each day on which the ticket had an overdue event with the unit;
-- evaluation_overdue_repeats holds, for every such day but a pair's first,
-- the pair's previous overdue day, so the distinct count over a range
-- [F, T) is SUM(overdue) − SUM(n WHERE prev_day >= F), exactly.
--
-- evaluation_tickets keeps what each ticket contributed (an encoded list),
-- so that a changed ticket's old contribution is subtracted before its new
-- one is added; evaluation_state is the lock row and the watermarks.
CREATE TABLE evaluation_days (
    kind              TEXT COLLATE "C" NOT NULL,
    day               TEXT COLLATE "C" NOT NULL,
    code              TEXT COLLATE "C" NOT NULL,
    tickets           BIGINT NOT NULL DEFAULT 0,
    rated             BIGINT NOT NULL DEFAULT 0,
    resolved          BIGINT NOT NULL DEFAULT 0,
    satisfied         BIGINT NOT NULL DEFAULT 0,
    basic             BIGINT NOT NULL DEFAULT 0,
    unsatisfied       BIGINT NOT NULL DEFAULT 0,
    contact_due       BIGINT NOT NULL DEFAULT 0,
    contacted_on_time BIGINT NOT NULL DEFAULT 0,
    complete_due      BIGINT NOT NULL DEFAULT 0,
    on_time           BIGINT NOT NULL DEFAULT 0,
    returns           BIGINT NOT NULL DEFAULT 0,
    extensions        BIGINT NOT NULL DEFAULT 0,
    redos             BIGINT NOT NULL DEFAULT 0,
    overdue           BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, day, code)
);

CREATE TABLE evaluation_overdue_repeats (
    kind     TEXT COLLATE "C" NOT NULL,
    day      TEXT COLLATE "C" NOT NULL,
    code     TEXT COLLATE "C" NOT NULL,
    prev_day TEXT COLLATE "C" NOT NULL,
    n        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, day, code, prev_day)
);

CREATE TABLE evaluation_tickets (
    ticket_number TEXT COLLATE "C" PRIMARY KEY,
    contrib       TEXT NOT NULL
);

-- status: '' never built, 'building' (cursor = the last ticket number done),
-- 'built'. ticket_mark and event_mark: the greatest tickets.updated_at and
-- ticket_events.at taken in.
CREATE TABLE evaluation_state (
    id           INTEGER PRIMARY KEY,
    status       TEXT NOT NULL DEFAULT '',
    cursor       TEXT NOT NULL DEFAULT '',
    ticket_mark  BIGINT NOT NULL DEFAULT 0,
    event_mark   BIGINT NOT NULL DEFAULT 0,
    refreshed_at BIGINT NOT NULL DEFAULT 0
);
INSERT INTO evaluation_state (id) VALUES (1);

-- The refresher finds changed tickets by updated_at (0009 has tickets_updated)
-- and recent events by (action, at) (0010 has ticket_events_action_at).
CREATE INDEX IF NOT EXISTS tickets_updated ON tickets (updated_at);

-- Evaluation (评价): indexes for aggregating a period's closed tickets,
-- rectification tasks (整改), and the system's own health by minute.

-- A period's tickets are a range on closed_at: for the whole district, for one
-- unit, for one area. Returns, extensions, redos and overdue marks are read
-- from the event log by action and time.
CREATE INDEX tickets_closed ON tickets (closed_at, status, assigned_org_code, area_code, due_contact_at, contacted_at, due_complete_at, replied_at, rated_at, rating_resolved, rating_satisfaction);
CREATE INDEX tickets_org_closed ON tickets (assigned_org_code, closed_at);
CREATE INDEX tickets_area_closed ON tickets (area_code, closed_at);
CREATE INDEX ticket_events_action_at ON ticket_events (action, at, org_code);

-- status: open, submitted, accepted, rejected. period is the month (YYYY-MM)
-- of the ranking a task came from, empty for a supervisor's own decision; one
-- task per unit and ranked month.
CREATE TABLE rectifications (
    id            TEXT COLLATE "C" PRIMARY KEY,
    org_code      TEXT COLLATE "C" NOT NULL REFERENCES orgs (code),
    title         TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    source        TEXT NOT NULL,
    period        TEXT NOT NULL DEFAULT '',
    owner_user_id TEXT NOT NULL DEFAULT '',
    deadline      BIGINT NOT NULL,
    status        TEXT NOT NULL,
    measures      TEXT NOT NULL DEFAULT '',
    evidence      TEXT NOT NULL DEFAULT '',
    review_note   TEXT NOT NULL DEFAULT '',
    created_by    TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    submitted_at  BIGINT,
    reviewed_by   TEXT NOT NULL DEFAULT '',
    reviewed_at   BIGINT,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX rectifications_org ON rectifications (org_code, created_at);
CREATE INDEX rectifications_status ON rectifications (status, deadline);
CREATE UNIQUE INDEX rectifications_org_period ON rectifications (org_code, period) WHERE period <> '';

-- One row per minute in which a server was up: every running server adds its
-- requests and 5xx answers of the minute (zero when idle) and marks its start.
CREATE TABLE health_minutes (
    minute   BIGINT PRIMARY KEY,
    requests BIGINT NOT NULL DEFAULT 0,
    errors   BIGINT NOT NULL DEFAULT 0,
    starts   INTEGER NOT NULL DEFAULT 0
);

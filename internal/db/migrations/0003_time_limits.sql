-- Time limits on the working-day calendar, urgency, and the clocks and
-- counters the exceptions of 接诉即办 need.

CREATE TABLE time_limits (
    category_code TEXT COLLATE "C" NOT NULL DEFAULT '',
    kind          TEXT NOT NULL DEFAULT '',
    urgency       TEXT NOT NULL,
    sign_limit    TEXT NOT NULL,
    contact_limit TEXT NOT NULL,
    complete_limit TEXT NOT NULL,
    PRIMARY KEY (category_code, kind, urgency)
);
-- Defaults: sign within 2 working hours; contact within 1 working day (urgent:
-- 2 hours); complete within 5 working days, 2 for consultations. Emergencies
-- count clock hours ("ch").
INSERT INTO time_limits (category_code, kind, urgency, sign_limit, contact_limit, complete_limit) VALUES
    ('', '', 'normal', '2h', '1d', '5d'),
    ('', 'consultation', 'normal', '2h', '1d', '2d'),
    ('', '', 'urgent', '1h', '2h', '2d'),
    ('', '', 'emergency', '1ch', '1ch', '24ch');
-- Holiday schedules imported after the release (the embedded years need no rows).
CREATE TABLE calendar_days (
    day  TEXT COLLATE "C" PRIMARY KEY,
    year INTEGER NOT NULL,
    name TEXT NOT NULL,
    off  BOOLEAN NOT NULL
);
CREATE INDEX calendar_days_year ON calendar_days (year);

ALTER TABLE tickets ADD COLUMN urgency TEXT NOT NULL DEFAULT 'normal';
ALTER TABLE tickets ADD COLUMN warn_sign_at BIGINT;
ALTER TABLE tickets ADD COLUMN warn_contact_at BIGINT;
ALTER TABLE tickets ADD COLUMN warn_complete_at BIGINT;
-- warn_at and due_at are the nearest 75% point and deadline of the clocks
-- still running; both are null when no clock runs. They drive the lights.
ALTER TABLE tickets ADD COLUMN warn_at BIGINT;
ALTER TABLE tickets ADD COLUMN due_at BIGINT;
ALTER TABLE tickets ADD COLUMN overdue BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE tickets ADD COLUMN reminded_yellow BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE tickets ADD COLUMN reminded_red BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE tickets ADD COLUMN escalated BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE tickets ADD COLUMN return_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN redo_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN extension_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN review_pending BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE tickets ADD COLUMN parent_number TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN invalid_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN return_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN status_before TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN extension_until BIGINT;
ALTER TABLE tickets ADD COLUMN extension_reason TEXT NOT NULL DEFAULT '';
CREATE INDEX tickets_due ON tickets (due_at);
CREATE INDEX tickets_warn ON tickets (warn_at);
CREATE INDEX tickets_parent ON tickets (parent_number);

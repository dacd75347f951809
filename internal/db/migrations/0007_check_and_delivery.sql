-- On-site checks (核查) before closing, and delivery of notifications by SMS.
ALTER TABLE tickets ADD COLUMN check_status TEXT NOT NULL DEFAULT '';
ALTER TABLE tickets ADD COLUMN check_note TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN sent_at BIGINT;
CREATE INDEX notifications_unsent ON notifications (sent_at, at);

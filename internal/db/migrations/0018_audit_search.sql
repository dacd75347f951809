-- The audit log is searched by who acted, newest first (the object and the
-- time already have their indexes).
CREATE INDEX audit_log_username ON audit_log (username, at);
CREATE INDEX audit_log_user_id ON audit_log (user_id, at);

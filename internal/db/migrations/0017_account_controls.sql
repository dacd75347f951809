-- Account controls of staff logins.
--
-- login_failures counts failed password logins per account ('user:NAME',
-- unknown names too, so a lock does not tell whether an account exists) and
-- per client address ('addr:IP') in a window that starts at the first
-- failure; at the limit the key is locked until locked_until. It lives in
-- the database so that a restart does not reset it and every server of one
-- database shares it.
CREATE TABLE login_failures (
    key          TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start BIGINT NOT NULL,
    locked_until BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX login_failures_window ON login_failures (window_start);

-- must_change_password: set by an administrator's reset; until the user sets
-- a password of her own, her sessions may do nothing else. totp_secret is the
-- confirmed second factor (base32), totp_pending_secret one being enrolled;
-- totp_last_step is the last time step a code was accepted for, so that a
-- code works once. Secret columns are never exported.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_pending_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

-- last_seen: when the session was last used, to the minute, for the idle
-- timeout of staff web sessions.
ALTER TABLE sessions ADD COLUMN last_seen BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET last_seen = created_at;

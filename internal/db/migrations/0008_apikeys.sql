-- API keys: another system acts through a staff account the administrator
-- chose. Only the SHA-256 of a key is kept; prefix is its first characters,
-- for display. use_count and last_used_at are bumped on every use.
CREATE TABLE api_keys (
    id           TEXT COLLATE "C" PRIMARY KEY,
    name         TEXT NOT NULL,
    key_hash     TEXT COLLATE "C" NOT NULL UNIQUE,
    prefix       TEXT COLLATE "C" NOT NULL,
    user_id      TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    org_code     TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_by   TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT,
    last_used_at BIGINT,
    use_count    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX api_keys_user ON api_keys (user_id);

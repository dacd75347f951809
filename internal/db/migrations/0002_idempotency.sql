-- Idempotency keys: a retried POST with the same key gets the first answer.
-- resource is written in the same transaction as the change it guards, so a
-- crash between the change and the stored answer still cannot duplicate it.
CREATE TABLE idempotency_keys (
    scope        TEXT COLLATE "C" NOT NULL,
    key          TEXT COLLATE "C" NOT NULL,
    request_hash TEXT NOT NULL,
    resource     TEXT NOT NULL DEFAULT '',
    status       INTEGER NOT NULL DEFAULT 0,
    response     TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

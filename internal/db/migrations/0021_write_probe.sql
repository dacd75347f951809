-- The readiness probe writes a row here and rolls it back; it stays empty.
CREATE TABLE write_probe (
    at  BIGINT NOT NULL,
    pad BYTEA NOT NULL
);

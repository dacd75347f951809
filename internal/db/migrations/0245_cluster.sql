-- Several servers on one database (internal/cluster).
--
-- job_leases: who holds a named lease until when (milliseconds). A
-- periodic background job runs in the server that takes its lease for the
-- period (until is the period's end); a node id of the ticket numbers is
-- held as the lease node:N, renewed while the server runs.
CREATE TABLE job_leases (
    name   TEXT COLLATE "C" PRIMARY KEY,
    holder TEXT COLLATE "C" NOT NULL,
    until  BIGINT NOT NULL
);

-- rate_buckets: the token buckets of the rate limits that hold across
-- servers (login codes, look-ups by number and phone, submissions per
-- submitter). tokens left at at (milliseconds); full_at is when the bucket
-- is full again, after which the row is the same as none and is pruned.
CREATE TABLE rate_buckets (
    key     TEXT COLLATE "C" PRIMARY KEY,
    tokens  DOUBLE PRECISION NOT NULL,
    at      BIGINT NOT NULL,
    full_at BIGINT NOT NULL
);
CREATE INDEX rate_buckets_full_at ON rate_buckets (full_at);

-- Webhooks: a unit's own system hears about its tickets as things happen.
--
-- The ticket event log is the source of truth. A worker scans it by time
-- (ticket_events.at) from a watermark kept in webhook_cursor, minus a safety
-- margin, because events are not committed in the order of their times across
-- transactions and processes; webhook_outbox records each event it has taken,
-- so the overlap of the margin never queues an event twice. Every matching
-- subscription gets a row in webhook_deliveries, sent with retries and a lease
-- (claimed_until) so that a crashed worker's claims are taken up again.

-- secret is kept as it is: signing needs it. It is shown in full only in the
-- answer that creates the subscription; lists show secret_prefix. events is
-- a comma-separated list of event kinds (ticket actions), or "*".
CREATE TABLE webhooks (
    id            TEXT COLLATE "C" PRIMARY KEY,
    org_code      TEXT COLLATE "C" NOT NULL REFERENCES orgs (code),
    url           TEXT NOT NULL,
    secret        TEXT NOT NULL,
    secret_prefix TEXT NOT NULL,
    events        TEXT NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    BIGINT NOT NULL,
    created_by    TEXT NOT NULL DEFAULT '',
    updated_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX webhooks_org_url ON webhooks (org_code, url);

-- One row (id 1): events at or after watermark may still be unseen.
CREATE TABLE webhook_cursor (
    id         INTEGER PRIMARY KEY,
    watermark  BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- The events the scan has taken; rows older than the watermark are pruned.
CREATE TABLE webhook_outbox (
    ticket_number TEXT COLLATE "C" NOT NULL,
    seq           INTEGER NOT NULL,
    at            BIGINT NOT NULL,
    scanned_at    BIGINT NOT NULL,
    PRIMARY KEY (ticket_number, seq)
);
CREATE INDEX webhook_outbox_at ON webhook_outbox (at);

-- The scan reads ticket_events by time; the table itself is unchanged.
CREATE INDEX ticket_events_at ON ticket_events (at);

-- status: pending, delivered, failed. payload is the exact body sent on
-- every attempt; attempts counts claims, so a worker that dies mid-attempt
-- uses one up. last_* describe the latest attempt (response: its first 1 KB).
CREATE TABLE webhook_deliveries (
    id               TEXT COLLATE "C" PRIMARY KEY,
    webhook_id       TEXT COLLATE "C" NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    ticket_number    TEXT COLLATE "C" NOT NULL,
    seq              INTEGER NOT NULL,
    action           TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_at          BIGINT NOT NULL,
    claimed_until    BIGINT,
    claim_token      TEXT COLLATE "C" NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL,
    delivered_at     BIGINT,
    last_attempt_at  BIGINT,
    last_status_code INTEGER NOT NULL DEFAULT 0,
    last_duration_ms BIGINT NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT '',
    last_response    TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX webhook_deliveries_event ON webhook_deliveries (webhook_id, ticket_number, seq);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_at);
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (webhook_id, created_at);
CREATE INDEX webhook_deliveries_claim ON webhook_deliveries (claim_token);

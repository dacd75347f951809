-- Links with other 12345 platforms over Open311 GeoReport v2 (internal/citylink).
--
-- A platform is registered by the administrator: an upper one (a city's
-- 12345 platform) dispatches tickets down to us and hears their progress,
-- replies, ratings and the month's figures; a lower one (a district's
-- platform, gongzhi or not) takes the tickets we dispatch to the unit that
-- stands for it (org_code) and reports back. The tickets an upper platform
-- sent are ticket_sources rows of source 'citylink/' || id, written with the
-- ticket; those sent down are citylink_forwards rows.

-- inbound_key_hash is the SHA-256 (hex) of the key the platform uses with
-- us; outbound_key is the key it gave us, kept as it is since we send it.
-- service_map and area_map are JSON objects: their service code to our
-- category code, their jurisdiction or area id to our area code.
CREATE TABLE citylink_platforms (
    id                 TEXT COLLATE "C" PRIMARY KEY,
    name               TEXT NOT NULL,
    role               TEXT NOT NULL,
    base_url           TEXT NOT NULL,
    org_code           TEXT COLLATE "C" NOT NULL DEFAULT '',
    area_code          TEXT COLLATE "C" NOT NULL DEFAULT '',
    inbound_key_hash   TEXT NOT NULL,
    inbound_key_prefix TEXT NOT NULL,
    outbound_key       TEXT NOT NULL DEFAULT '',
    service_map        TEXT NOT NULL DEFAULT '{}',
    area_map           TEXT NOT NULL DEFAULT '{}',
    active             BOOLEAN NOT NULL DEFAULT TRUE,
    created_at         BIGINT NOT NULL,
    created_by         TEXT NOT NULL DEFAULT '',
    updated_at         BIGINT NOT NULL
);
CREATE UNIQUE INDEX citylink_platforms_key ON citylink_platforms (inbound_key_hash);
CREATE INDEX citylink_platforms_org ON citylink_platforms (org_code);

-- Tickets we dispatched to a lower platform; remote_number is its number,
-- once its answer came.
CREATE TABLE citylink_forwards (
    platform_id   TEXT COLLATE "C" NOT NULL REFERENCES citylink_platforms (id),
    ticket_number TEXT COLLATE "C" NOT NULL,
    remote_number TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (platform_id, ticket_number)
);
CREATE INDEX citylink_forwards_ticket ON citylink_forwards (ticket_number);

-- One row (id 1): ticket events at or after watermark may still be unseen.
CREATE TABLE citylink_cursor (
    id         INTEGER PRIMARY KEY,
    watermark  BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- What we send: kind 'dispatch' (a ticket down), 'update' (an event of a
-- ticket up, seq its event), 'stats' (a month's figures up, ticket_number
-- empty, seq the month as YYYYMM). The unique key makes a second queueing of
-- the same thing impossible. Sent with retries and a lease as webhooks are.
CREATE TABLE citylink_deliveries (
    id               TEXT COLLATE "C" PRIMARY KEY,
    platform_id      TEXT COLLATE "C" NOT NULL REFERENCES citylink_platforms (id),
    kind             TEXT NOT NULL,
    ticket_number    TEXT COLLATE "C" NOT NULL DEFAULT '',
    seq              INTEGER NOT NULL,
    action           TEXT NOT NULL DEFAULT '',
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_at          BIGINT NOT NULL,
    claimed_until    BIGINT,
    claim_token      TEXT NOT NULL DEFAULT '',
    created_at       BIGINT NOT NULL,
    delivered_at     BIGINT,
    last_attempt_at  BIGINT,
    last_status_code INTEGER NOT NULL DEFAULT 0,
    last_duration_ms BIGINT NOT NULL DEFAULT 0,
    last_error       TEXT NOT NULL DEFAULT '',
    last_response    TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX citylink_deliveries_once ON citylink_deliveries (platform_id, kind, ticket_number, seq);
CREATE INDEX citylink_deliveries_due ON citylink_deliveries (status, next_at);
CREATE INDEX citylink_deliveries_log ON citylink_deliveries (platform_id, created_at);
CREATE INDEX citylink_deliveries_claim ON citylink_deliveries (claim_token);

-- What a lower platform sent up besides tickets: updates (ref: their update
-- id, so a retried one is applied once) and monthly figures (ref: the month).
CREATE TABLE citylink_received (
    platform_id TEXT COLLATE "C" NOT NULL REFERENCES citylink_platforms (id),
    kind        TEXT NOT NULL,
    ref         TEXT NOT NULL,
    body        TEXT NOT NULL DEFAULT '',
    received_at BIGINT NOT NULL,
    PRIMARY KEY (platform_id, kind, ref)
);

-- citylink_events: every change of a platform's registration, in its
-- transaction (register, pause, resume).
CREATE TABLE citylink_events (
    platform_id TEXT COLLATE "C" NOT NULL,
    seq         INTEGER NOT NULL,
    at          BIGINT NOT NULL,
    actor       TEXT COLLATE "C" NOT NULL,
    kind        TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (platform_id, seq)
);

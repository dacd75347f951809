-- The district's own settings of the indicator catalogue (internal/indicator).
-- The standard catalogue is a Go table; a row here is the district's choice
-- for one indicator: its weight (NULL keeps the standard one) and whether it
-- counts. Shown publicly beside the standard (标准化兼顾差异化).
CREATE TABLE indicator_overrides (
    code       TEXT COLLATE "C" PRIMARY KEY,
    weight     DOUBLE PRECISION,
    enabled    BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at BIGINT NOT NULL,
    updated_by TEXT COLLATE "C" NOT NULL DEFAULT ''
);

-- indicator_costs: the settings of the cost indicator (cost of an hour of
-- staff time, fixed monthly costs, the ceiling that scores 0), in fen.
CREATE TABLE indicator_costs (
    name       TEXT COLLATE "C" PRIMARY KEY,
    value      BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT COLLATE "C" NOT NULL DEFAULT ''
);

-- indicator_events: every change of an override or a cost setting, written
-- in its transaction with who, when and why (the detail holds the field,
-- the values before and after, the reason and the actor's role).
CREATE TABLE indicator_events (
    code   TEXT COLLATE "C" NOT NULL,
    seq    INTEGER NOT NULL,
    at     BIGINT NOT NULL,
    actor  TEXT COLLATE "C" NOT NULL,
    kind   TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (code, seq)
);
CREATE INDEX indicator_events_at ON indicator_events (at);

-- The month's replies and the deliveries delivered in a month are read by
-- their time.
CREATE INDEX indicator_tickets_replied ON tickets (replied_at);
CREATE INDEX indicator_webhook_delivered ON webhook_deliveries (delivered_at);
CREATE INDEX indicator_citylink_delivered ON citylink_deliveries (delivered_at);

-- The routing models (智能派单): each training writes a new version; every
-- process serves the newest. kind is 'router' (the category model and the
-- unit table together). body is the model, gzip-compressed.
CREATE TABLE insight_models (
    version     BIGINT PRIMARY KEY,
    kind        TEXT NOT NULL,
    trained_at  BIGINT NOT NULL,
    samples     INTEGER NOT NULL,
    top1        DOUBLE PRECISION NOT NULL,
    top3        DOUBLE PRECISION NOT NULL,
    unit_top1   DOUBLE PRECISION NOT NULL,
    unit_top3   DOUBLE PRECISION NOT NULL,
    train_ms    BIGINT NOT NULL,
    body        BYTEA NOT NULL
);

-- What intake chose against what the router suggested, one row per ticket
-- and kind ('category' when it was filed, 'unit' when first dispatched).
-- suggested is the top three codes, best first, separated by spaces.
CREATE TABLE insight_routes (
    ticket_number TEXT COLLATE "C" NOT NULL,
    kind          TEXT NOT NULL,
    at            BIGINT NOT NULL,
    model_version BIGINT NOT NULL,
    suggested     TEXT NOT NULL,
    confidence    DOUBLE PRECISION NOT NULL,
    chosen        TEXT COLLATE "C" NOT NULL,
    took_first    BOOLEAN NOT NULL,
    in_three      BOOLEAN NOT NULL,
    auto          BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (ticket_number, kind)
);
CREATE INDEX insight_routes_at ON insight_routes (at);

-- The open-data portal (数据开放, internal/opendata).
--
-- opendata_datasets: whether each dataset of the catalogue is published,
-- as the district's administrator last set it; a dataset without a row
-- is published. updated_by is the account that switched it.
CREATE TABLE opendata_datasets (
    id         TEXT COLLATE "C" PRIMARY KEY,
    published  BOOLEAN NOT NULL,
    updated_by TEXT COLLATE "C" NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL
);

-- opendata_events: every switch of a dataset, written in its transaction.
CREATE TABLE opendata_events (
    dataset_id TEXT COLLATE "C" NOT NULL,
    seq        INTEGER NOT NULL,
    at         BIGINT NOT NULL,
    actor      TEXT COLLATE "C" NOT NULL,
    kind       TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (dataset_id, seq)
);

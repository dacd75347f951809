-- Rules shared across levels (规则分级共享, internal/ruleset). A level (a city,
-- a district) publishes numbered versions of its rule set; the levels below
-- inherit the nearest upper level's latest version and may override the
-- entries it left overridable, each with a public reason.

-- rule_sets: the published versions, each the exact bytes of its document
-- (the file that export writes and import reads) with its checksum. source
-- tells whether it was published here or imported from the upper level's file.
CREATE TABLE rule_sets (
    area_code    TEXT COLLATE "C" NOT NULL,
    version      INTEGER NOT NULL,
    published_at BIGINT NOT NULL,
    publisher    TEXT NOT NULL DEFAULT '',
    source       TEXT COLLATE "C" NOT NULL DEFAULT 'local',
    document     TEXT NOT NULL,
    checksum     TEXT COLLATE "C" NOT NULL,
    stored_at    BIGINT NOT NULL,
    PRIMARY KEY (area_code, version)
);

-- rule_overrides: an area's own value of an entry of the inherited set.
CREATE TABLE rule_overrides (
    area_code  TEXT COLLATE "C" NOT NULL,
    section    TEXT COLLATE "C" NOT NULL,
    entry_key  TEXT COLLATE "C" NOT NULL,
    value      TEXT NOT NULL,
    reason     TEXT NOT NULL,
    updated_by TEXT COLLATE "C" NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (area_code, section, entry_key)
);

-- ruleset_events: every publish, import, override, withdrawal and apply, in
-- its transaction, per area.
CREATE TABLE ruleset_events (
    area_code TEXT COLLATE "C" NOT NULL,
    seq       INTEGER NOT NULL,
    at        BIGINT NOT NULL,
    actor     TEXT COLLATE "C" NOT NULL,
    kind      TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (area_code, seq)
);
CREATE INDEX ruleset_events_at ON ruleset_events (at);

-- National codes (internal/natcode): the district's categories mapped to
-- national classifications and its grid cells' unit-grid codes.
--
-- category_national: the district's decision for one category. urban marks
-- a category the district counts as 城市管理 (it and every category under it
-- must then have a class or be marked not applicable); na_reason, when not
-- empty, says why the category has no national class although it is urban.
CREATE TABLE category_national (
    category_code TEXT COLLATE "C" PRIMARY KEY REFERENCES categories (code),
    urban         BOOLEAN NOT NULL DEFAULT FALSE,
    na_reason     TEXT NOT NULL DEFAULT '',
    updated_at    BIGINT NOT NULL,
    updated_by    TEXT COLLATE "C" NOT NULL DEFAULT ''
);

-- category_national_classes: one national class per category and scheme
-- (gbt30428-event, gbt30428-component). The classes themselves are data in
-- the code (natcode.Classes), so a code here is checked against them by the
-- conformance check rather than by a foreign key.
CREATE TABLE category_national_classes (
    category_code TEXT COLLATE "C" NOT NULL REFERENCES categories (code),
    scheme        TEXT COLLATE "C" NOT NULL,
    national_code TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (category_code, scheme)
);

-- grid_unit_codes: the unit-grid code (GB/T 30428.1: the community's
-- 12-digit division code and a 3-digit sequence) of a grid cell the district
-- has drawn (an area of level grid).
CREATE TABLE grid_unit_codes (
    area_code  TEXT COLLATE "C" PRIMARY KEY REFERENCES areas (code),
    unit_code  TEXT COLLATE "C" NOT NULL UNIQUE,
    updated_at BIGINT NOT NULL,
    updated_by TEXT COLLATE "C" NOT NULL DEFAULT ''
);

-- national_code_events: every change of a category's mapping or a grid's
-- code, in its transaction (subject is 'category:<code>' or 'grid:<code>').
CREATE TABLE national_code_events (
    subject TEXT COLLATE "C" NOT NULL,
    seq     INTEGER NOT NULL,
    at      BIGINT NOT NULL,
    actor   TEXT COLLATE "C" NOT NULL,
    kind    TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (subject, seq)
);
CREATE INDEX national_code_events_at ON national_code_events (at);

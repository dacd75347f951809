-- Area boundaries: the outline of an area, so that a location can be checked
-- against the areas a member of staff may register requests in.
--
-- geometry is a GeoJSON Polygon or MultiPolygon, [longitude, latitude] as the
-- source file has them (Chinese maps use GCJ-02, offset from a phone's
-- WGS-84 by up to about 700 m; the check allows for it). The bounding box
-- rejects a far point without reading the outline. Importing a file again
-- replaces an area's row.
CREATE TABLE area_boundaries (
    area_code  TEXT COLLATE "C" PRIMARY KEY REFERENCES areas (code),
    geometry   TEXT NOT NULL,
    points     INTEGER NOT NULL,
    min_lat    DOUBLE PRECISION NOT NULL,
    min_lng    DOUBLE PRECISION NOT NULL,
    max_lat    DOUBLE PRECISION NOT NULL,
    max_lng    DOUBLE PRECISION NOT NULL,
    source     TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL
);

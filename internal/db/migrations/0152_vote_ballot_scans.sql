-- vote_ballot_scans: the scan of a paper ballot (one a ballot), kept by
-- internal/attachment (checked, stripped of its metadata, by its SHA-256)
-- and shown only to the staff who run the vote.
CREATE TABLE vote_ballot_scans (
    vote_id      TEXT COLLATE "C" NOT NULL,
    unit         TEXT COLLATE "C" NOT NULL,
    sha256       TEXT COLLATE "C" NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    width        BIGINT NOT NULL,
    height       BIGINT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    kept_by      TEXT COLLATE "C" NOT NULL,
    kept_at      BIGINT NOT NULL,
    PRIMARY KEY (vote_id, unit)
);
CREATE INDEX vote_ballot_scans_sha256 ON vote_ballot_scans (sha256);

-- Photos chosen on a form that was sent back for a mistake: held for a
-- while under the form's token (a random key the form carries), shown on
-- the form again and attached to the ticket once it is filed. The file
-- lives with the attachments, by its SHA-256.
CREATE TABLE pending_photos (
    id           TEXT COLLATE "C" PRIMARY KEY,
    token        TEXT COLLATE "C" NOT NULL,
    sha256       TEXT COLLATE "C" NOT NULL,
    content_type TEXT COLLATE "C" NOT NULL,
    size         BIGINT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    lat          DOUBLE PRECISION,
    lng          DOUBLE PRECISION,
    created_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX pending_photos_token_content ON pending_photos (token, sha256);
CREATE INDEX pending_photos_created ON pending_photos (created_at);

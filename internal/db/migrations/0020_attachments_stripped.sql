-- Photos are stored without their metadata (Exif, XMP, text chunks…); a
-- row whose file was stored before is stripped once, in the background at
-- start or when it is first served, and then marked.
ALTER TABLE attachments ADD COLUMN stripped BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX attachments_unstripped ON attachments (sha256) WHERE NOT stripped;

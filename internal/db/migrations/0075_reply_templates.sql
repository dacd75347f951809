-- Reply templates (答复模板): texts a unit's staff start a reply from, with
-- placeholders ({编号}, {地点}, …) filled from the ticket. org_code '' is a
-- template of the whole district (kept by the dispatch centre), otherwise a
-- unit's own; category_code '' applies to every category, otherwise to the
-- category and those below it. A name is unique within its unit.
CREATE TABLE reply_templates (
    id            TEXT COLLATE "C" PRIMARY KEY,
    org_code      TEXT COLLATE "C" NOT NULL DEFAULT '',
    category_code TEXT COLLATE "C" NOT NULL DEFAULT '',
    name          TEXT NOT NULL,
    body          TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    updated_by    TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX reply_templates_name ON reply_templates (org_code, name);
CREATE INDEX reply_templates_category ON reply_templates (category_code);

-- The knowledge base the hotline answers consultations from.
CREATE TABLE kb_articles (
    id            TEXT COLLATE "C" PRIMARY KEY,
    category_code TEXT COLLATE "C" NOT NULL DEFAULT '',
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    keywords      TEXT NOT NULL DEFAULT '',
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at    BIGINT NOT NULL,
    updated_by    TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX kb_articles_category ON kb_articles (category_code);

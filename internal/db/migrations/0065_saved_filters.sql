-- Saved filters of the staff workbench: a user keeps the filters she uses
-- under names of her own (at most twenty) and nobody else reads them. query
-- is the workbench's query string (status=…&q=…), which the page maps to a
-- ticket list filter when she opens it.
CREATE TABLE saved_filters (
    user_id    TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    name       TEXT NOT NULL,
    query      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, name)
);

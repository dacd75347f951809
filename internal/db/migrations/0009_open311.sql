-- Open311 GeoReport v2: the attributes of a category's service definition,
-- and what an Open311 client sent with a request beyond the ticket itself.
-- attr_order is the spec's "order" and value_list its "values" (a JSON array
-- of {"key","name"}); both spec names are SQL keywords.
CREATE TABLE category_attributes (
    category_code        TEXT COLLATE "C" NOT NULL REFERENCES categories (code),
    code                 TEXT COLLATE "C" NOT NULL,
    datatype             TEXT NOT NULL,
    variable             BOOLEAN NOT NULL DEFAULT TRUE,
    required             BOOLEAN NOT NULL DEFAULT FALSE,
    datatype_description TEXT NOT NULL DEFAULT '',
    attr_order           INTEGER NOT NULL DEFAULT 1,
    description          TEXT NOT NULL DEFAULT '',
    value_list           TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (category_code, code)
);

-- email, device_id and account_id are the reporter's personal data: kept for
-- staff, never returned through Open311.
CREATE TABLE open311_requests (
    ticket_number TEXT COLLATE "C" PRIMARY KEY REFERENCES tickets (number),
    api_key_id    TEXT COLLATE "C" NOT NULL DEFAULT '',
    address_id    TEXT NOT NULL DEFAULT '',
    media_url     TEXT NOT NULL DEFAULT '',
    attributes    TEXT NOT NULL DEFAULT '{}',
    email         TEXT NOT NULL DEFAULT '',
    device_id     TEXT NOT NULL DEFAULT '',
    account_id    TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL
);

-- Open311 lists filter on update time (updated_after / updated_before).
CREATE INDEX tickets_updated ON tickets (updated_at);
CREATE INDEX tickets_created ON tickets (created_at);

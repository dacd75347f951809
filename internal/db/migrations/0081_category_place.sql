-- Categories whose requests concern no place (政策咨询 and other questions
-- about no street or building): such a request is registered, answered and
-- closed without a community, an address or a location. Every category
-- needs a place until the catalogue marks it placeless.
ALTER TABLE categories ADD COLUMN placeless BOOLEAN NOT NULL DEFAULT FALSE;

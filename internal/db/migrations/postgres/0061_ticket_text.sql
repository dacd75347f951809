-- The words of each ticket's description and replies, as the terms of
-- textsearch.Terms (not the database's text search parser, which knows no
-- Chinese): a query's terms must all be in the array, found by a GIN index.
-- NULL until the ticket is indexed.
ALTER TABLE tickets ADD COLUMN search_terms TEXT[];
CREATE INDEX tickets_search_terms ON tickets USING gin (search_terms);

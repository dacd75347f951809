-- The words of each ticket's description and replies, as the terms of
-- textsearch.Terms joined by spaces, in an FTS5 index that keeps no text
-- of its own. The rowid orders tickets as their numbers do: a number of
-- 14 digits is its own rowid; any other number gets one above 10^17.
-- ticket_number is stored (not indexed) to join the ticket.
CREATE VIRTUAL TABLE ticket_text USING fts5(
    terms, ticket_number UNINDEXED,
    content = '', contentless_delete = 1, contentless_unindexed = 1,
    detail = none, tokenize = 'unicode61 remove_diacritics 0'
);

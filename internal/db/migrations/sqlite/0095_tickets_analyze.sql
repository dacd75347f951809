-- PostgreSQL only (its autovacuum's statistics of tickets); SQLite's
-- search by words walks its FTS5 index and needs no statistics.
SELECT 1;

-- PostgreSQL only (the replica identity of write_probe, for moves by
-- logical replication); SQLite has no such thing.
SELECT 1;

-- write_probe, which the readiness probe writes to and rolls back, has no
-- key. A table without one cannot be copied by logical replication, which a
-- distributed PostgreSQL (Citus) uses to move a district's schema to
-- another node while it runs; its whole row identifies it instead.
ALTER TABLE write_probe REPLICA IDENTITY FULL;

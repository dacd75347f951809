-- PostgreSQL only (the keys of scopes in its GIN index of words); SQLite's
-- FTS5 search joins each match to its ticket.
SELECT 1;

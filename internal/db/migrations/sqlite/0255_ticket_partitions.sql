-- PostgreSQL only: tickets and their events partitioned by month. SQLite
-- keeps its single file and its tables as they are.
SELECT 1;

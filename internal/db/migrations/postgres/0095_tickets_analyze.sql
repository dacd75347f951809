-- A search by words reads the GIN index's matches among the newest
-- tickets (ticket/search_pg.go); the planner ANDs them with a range of
-- numbers only if its statistics know the newest numbers. By default a
-- table is analyzed again after a tenth of it changed, a month of tickets
-- in a large district: every few thousand changes instead.
ALTER TABLE tickets SET (autovacuum_analyze_scale_factor = 0.002, autovacuum_analyze_threshold = 5000);

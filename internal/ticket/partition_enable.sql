-- Tickets and their events partitioned by month (PostgreSQL), run once by
-- `gongzhi partitions enable` (Service.EnablePartitions), in one
-- transaction, which then analyses both tables.
--
-- tickets is partitioned by range of number and ticket_events by range of
-- ticket_number. A ticket number begins with the business date it was made
-- (YYYYMMDD…), so each month's range of numbers, from 'YYYYMM' up to the
-- next month's, holds the tickets made in that month, and each ticket's
-- events sit in the same month as the ticket: tickets_pYYYYMM and
-- ticket_events_pYYYYMM. The keys stay what they were (number; ticket
-- number and seq), so every foreign key to tickets stays.
--
-- The old tables are renamed, the partitioned ones made with the same
-- columns, a partition made for every month that has tickets and for this
-- month and the next two, the rows copied, the old tables dropped, and then
-- their indexes and foreign keys made again on the new ones from the
-- definitions read at the start. A number that does not begin with a month
-- (another system's, kept by an import) goes to a default partition, made
-- only when there is one.
DO $$
DECLARE
  r record;
  s text;
  nxt text;
  remake text[] := '{}';
BEGIN
  FOR r IN SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def
      FROM pg_constraint WHERE contype = 'f'
       AND (confrelid = 'tickets'::regclass OR conrelid IN ('tickets'::regclass, 'ticket_events'::regclass))
  LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
    remake := remake || format('ALTER TABLE %s ADD CONSTRAINT %I %s', r.tbl, r.conname, r.def);
  END LOOP;
  -- indexes before constraints: a foreign key needs its unique index
  FOR r IN SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()
       AND tablename IN ('tickets', 'ticket_events') AND indexname NOT IN ('tickets_pkey', 'ticket_events_pkey')
  LOOP
    remake := r.indexdef || remake;
  END LOOP;
  ALTER TABLE tickets RENAME TO tickets_unpartitioned;
  ALTER TABLE ticket_events RENAME TO ticket_events_unpartitioned;
  CREATE TABLE tickets (LIKE tickets_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)
    PARTITION BY RANGE (number);
  CREATE TABLE ticket_events (LIKE ticket_events_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)
    PARTITION BY RANGE (ticket_number);
  FOR r IN SELECT DISTINCT substr(number, 1, 6) AS m FROM tickets_unpartitioned
       WHERE number ~ '^(19|20)[0-9]{2}(0[1-9]|1[0-2])'
     UNION SELECT to_char(date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') + make_interval(months => k), 'YYYYMM')
       FROM generate_series(0, 2) AS k
  LOOP
    nxt := to_char(to_date(r.m, 'YYYYMM') + interval '1 month', 'YYYYMM');
    EXECUTE format('CREATE TABLE %I PARTITION OF tickets FOR VALUES FROM (%L) TO (%L)', 'tickets_p' || r.m, r.m, nxt);
    EXECUTE format('CREATE TABLE %I PARTITION OF ticket_events FOR VALUES FROM (%L) TO (%L)', 'ticket_events_p' || r.m, r.m, nxt);
  END LOOP;
  IF EXISTS (SELECT 1 FROM tickets_unpartitioned WHERE number !~ '^(19|20)[0-9]{2}(0[1-9]|1[0-2])') THEN
    CREATE TABLE tickets_pother PARTITION OF tickets DEFAULT;
    CREATE TABLE ticket_events_pother PARTITION OF ticket_events DEFAULT;
  END IF;
  INSERT INTO tickets SELECT * FROM tickets_unpartitioned;
  INSERT INTO ticket_events SELECT * FROM ticket_events_unpartitioned;
  DROP TABLE ticket_events_unpartitioned;
  DROP TABLE tickets_unpartitioned;
  ALTER TABLE tickets ADD PRIMARY KEY (number);
  ALTER TABLE ticket_events ADD PRIMARY KEY (ticket_number, seq);
  FOREACH s IN ARRAY remake LOOP
    EXECUTE s;
  END LOOP;
END
$$;

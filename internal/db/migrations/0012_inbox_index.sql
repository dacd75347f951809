-- A unit's inbox lists its tickets newest first; without this index the
-- database sorts every ticket the unit ever had.
CREATE INDEX tickets_org_number ON tickets (assigned_org_code, number);

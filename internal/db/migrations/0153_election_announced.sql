-- When the voters on an election's roll were told that its polls are open
-- (NULL: not yet; the background work tells them once the polls open).
ALTER TABLE elections ADD COLUMN announced_at BIGINT;

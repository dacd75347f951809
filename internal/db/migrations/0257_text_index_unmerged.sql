-- Whether SQLite's text index still has to be merged after a walk wrote
-- every entry anew (ticket.MergeText): a server that stops in the middle
-- of the merge leaves it set, and the next run of the walk's job goes on.
ALTER TABLE search_backfill ADD COLUMN unmerged BOOLEAN NOT NULL DEFAULT FALSE;

-- The monthly theme (每月一题) a proposal was made from, as its month and
-- label ("2026-11 楼道照明"); empty for a proposal raised on its own.
ALTER TABLE proposals ADD COLUMN theme TEXT NOT NULL DEFAULT '';

-- How widely each proposal is disclosed (internal/disclosure): the residents
-- of its area, as before, or everyone.
ALTER TABLE proposals ADD COLUMN visibility TEXT NOT NULL DEFAULT 'residents';

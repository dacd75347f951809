-- The ticket a case ended without agreement was handed over as (转办), so
-- that the case and the ticket each keep the other's number; '-' while the
-- ticket is being made.
ALTER TABLE mediation_cases ADD COLUMN to_ticket TEXT COLLATE "C" NOT NULL DEFAULT '';

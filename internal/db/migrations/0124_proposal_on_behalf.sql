-- A proposal raised or co-signed by staff for a resident (an elderly
-- resident who telephoned, say): the event keeps the staff member as its
-- actor and the resident's phone here.
ALTER TABLE proposal_events ADD COLUMN on_behalf TEXT COLLATE "C" NOT NULL DEFAULT '';

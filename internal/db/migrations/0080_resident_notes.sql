-- What of a staff note its resident reads (告知居民). A note written on a
-- dispatch, a contact, a check or any other internal action stays with the
-- staff; where the one who wrote it chose to tell the resident, the text she
-- reads is kept here, and the reporter (and the public, where it sees the
-- line at all, masked) is shown this instead of the internal note. Every
-- event written before has none: on upgrade, all earlier notes of the
-- staff's actions stay internal, as they were shown before.
ALTER TABLE ticket_events ADD COLUMN resident_note TEXT NOT NULL DEFAULT '';

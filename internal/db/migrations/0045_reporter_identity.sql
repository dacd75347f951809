-- A resident's account is her verified phone: every ticket whose
-- reporter_phone is her phone is hers (tickets_reporter_phone finds them).
-- Phones are stored the one way auth.NormalizePhone writes them; rows
-- written before it did so lose their spaces, dashes and +86 here, so that
-- the match stays an exact, indexed comparison.
UPDATE tickets SET reporter_phone = REPLACE(REPLACE(reporter_phone, ' ', ''), '-', '')
WHERE reporter_phone LIKE '% %' OR reporter_phone LIKE '%-%';
UPDATE tickets SET reporter_phone = SUBSTR(reporter_phone, 4) WHERE reporter_phone LIKE '+86%';
UPDATE notifications SET phone = REPLACE(REPLACE(phone, ' ', ''), '-', '')
WHERE phone LIKE '% %' OR phone LIKE '%-%';
UPDATE notifications SET phone = SUBSTR(phone, 4) WHERE phone LIKE '+86%';

-- A resident with no phone of her own, registered by staff (代老人登记):
-- her name and the last four characters of her identity card (digits, the
-- last may be X), by which staff know her again when she comes back.
ALTER TABLE tickets ADD COLUMN reporter_id_last4 TEXT NOT NULL DEFAULT '';

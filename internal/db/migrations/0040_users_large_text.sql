-- large_text: the account's choice of the elderly mode (长辈版, large text
-- and targets), so that it follows a resident to a new device when she logs
-- in. The device's own choice is a cookie.
ALTER TABLE users ADD COLUMN large_text BOOLEAN NOT NULL DEFAULT FALSE;

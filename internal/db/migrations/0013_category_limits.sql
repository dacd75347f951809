-- Categories kept their own hours of time limits; the time-limit table is now
-- the one place for them. Completion hours that differ from the default
-- become category lines of the table, in working days.
INSERT INTO time_limits (category_code, kind, urgency, sign_limit, contact_limit, complete_limit)
SELECT code, '', 'normal', '2h', '1d', CAST((complete_hours + 23) / 24 AS TEXT) || 'd'
FROM categories
WHERE complete_hours <> 120
  AND NOT EXISTS (SELECT 1 FROM time_limits l WHERE l.category_code = categories.code AND l.kind = '' AND l.urgency = 'normal');
ALTER TABLE categories DROP COLUMN sign_hours;
ALTER TABLE categories DROP COLUMN contact_hours;
ALTER TABLE categories DROP COLUMN complete_hours;

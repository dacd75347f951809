-- Warnings of two kinds: 'surge', tickets of a place and category beyond
-- their baseline (the detection of internal/insight/warning), and 'supply',
-- a community's requests for a kind of neighbourhood service that went
-- unmet (declined or expired) in the last 30 days. A supply warning's
-- category_code is 'service:' and the service category; count is the unmet
-- requests, baseline all requests, score the unmet share.
ALTER TABLE warnings ADD COLUMN kind TEXT NOT NULL DEFAULT 'surge';

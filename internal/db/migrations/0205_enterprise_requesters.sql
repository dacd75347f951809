-- Enterprise requesters (企业诉求): who a ticket is filed for. requester_kind
-- is resident (the default, so old rows and imported tickets stay residents'
-- requests) or enterprise; credit_code is the enterprise's unified social
-- credit code (统一社会信用代码, GB 32100-2015), empty for a resident. The
-- enterprise's contact phone is the reporter's phone, as for a resident.
ALTER TABLE tickets ADD COLUMN requester_kind TEXT NOT NULL DEFAULT 'resident';
ALTER TABLE tickets ADD COLUMN credit_code TEXT NOT NULL DEFAULT '';

-- The staff's list of enterprises' tickets, newest first.
CREATE INDEX tickets_requester ON tickets (requester_kind, number);

-- The GIN index of words also holds, for each ticket, the keys of the
-- scopes a list is limited to and of its month, so that a rare word is
-- found within one unit, street or community, and month by month, inside
-- the index: without them a handler's search ANDed the word's every match
-- with the unit's every ticket (ticket/search_pg.go, scopedTermsExpr, which
-- must stay word for word this expression):
--   o:<unit handling it>   a:<street (9 digits)>   a:<community (12)>
--   m:<first six characters of the number: the month of a native number>
-- Terms hold letters, digits and Han characters only, never a colon.
CREATE INDEX tickets_search_scoped ON tickets USING gin ((search_terms || ARRAY['o:' || assigned_org_code, 'a:' || substr(area_code, 1, 9), 'a:' || substr(area_code, 1, 12), 'm:' || substr(number, 1, 6)]));
DROP INDEX tickets_search_terms;

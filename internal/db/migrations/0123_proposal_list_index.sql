-- Listing proposals by area reads only this index until the page is known
-- (proposal.List): the area, the number it sorts by and the columns of who
-- may see it.
DROP INDEX proposals_area;
CREATE INDEX proposals_area_list ON proposals (area_code, number, visibility, org_code, proposer_phone);

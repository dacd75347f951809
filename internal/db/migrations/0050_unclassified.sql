-- A resident may leave the category to the staff ("不清楚，由工作人员分类"):
-- her ticket is stored with the empty category code, which this row lets
-- the tickets' reference to categories accept. It is no category of the
-- tree: the category list leaves it out, and nobody may choose it.
INSERT INTO categories (code, parent_code, name, name_en, sort, active) VALUES ('', '', '待分类', 'Unclassified', 0, FALSE);

package ticket

// Category is one node of the category tree (诉求分类). Codes are stable and
// a child's code starts with its parent's. Its time limits are lines of the
// time-limit table (see TimeLimit).
type Category struct {
	Code       string `json:"code"`
	ParentCode string `json:"parent_code"`
	Name       string `json:"name"`
	NameEn     string `json:"name_en"`
	Sort       int    `json:"sort"`
	Active     bool   `json:"active"`
	// Placeless marks a category whose requests concern no place (政策咨询):
	// they are registered without one (placeGiven). A child is placeless
	// if it or an ancestor is marked.
	Placeless bool `json:"placeless"`
}

// Rule is a line of the dispatch catalogue (派单目录): tickets of the category
// (and its subcategories) in the area (and the areas under it) go to the
// organisation. An empty category or area matches any; the most specific
// category wins, then the most specific area.
type Rule struct {
	ID           string `json:"id"`
	CategoryCode string `json:"category_code"`
	AreaCode     string `json:"area_code"`
	OrgCode      string `json:"org_code"`
}

package ticket

// Category is one node of the category tree (诉求分类). Codes are stable and
// a child's code starts with its parent's. The hours are the default time
// limits of tickets in the category, counted from registration (sign and
// contact) and from signing (completion).
type Category struct {
	Code          string `json:"code"`
	ParentCode    string `json:"parent_code"`
	Name          string `json:"name"`
	NameEn        string `json:"name_en"`
	SignHours     int    `json:"sign_hours"`
	ContactHours  int    `json:"contact_hours"`
	CompleteHours int    `json:"complete_hours"`
	Sort          int    `json:"sort"`
	Active        bool   `json:"active"`
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

package training

import (
	_ "embed"
	"encoding/json"
)

// Step is one step of a role guide, in both languages.
type Step struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

// Guide is the short guide of one role, shown inside the product at
// /help/<role>.
type Guide struct {
	Role    string `json:"role"`
	Title   string `json:"title"`
	TitleEn string `json:"title_en"`
	Lead    string `json:"lead"`
	LeadEn  string `json:"lead_en"`
	Steps   []Step `json:"steps"`
}

//go:embed guides.json
var guidesJSON []byte

// Guides are the role guides, in the order of GuideRoles.
var Guides = mustGuides(guidesJSON)

// GuideRoles are the roles that have a guide.
var GuideRoles = []string{"resident", "grid_worker", "handler", "dispatcher", "supervisor", "admin"}

func mustGuides(b []byte) []Guide {
	var g []Guide
	if err := json.Unmarshal(b, &g); err != nil {
		panic("training: guides.json: " + err.Error())
	}
	return g
}

// GuideFor returns the guide of the role.
func GuideFor(role string) (Guide, bool) {
	for _, g := range Guides {
		if g.Role == role {
			return g, true
		}
	}
	return Guide{}, false
}

// GuideExists reports whether the role has a guide.
func GuideExists(role string) bool {
	_, ok := GuideFor(role)
	return ok
}

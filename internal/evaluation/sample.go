package evaluation

import "encoding/json"

// MarshalJSON writes a row as the API gives it: "class" is null when the row
// has no class (a unit below the minimum sample never has one), like "rank".
func (r Row) MarshalJSON() ([]byte, error) {
	type plain Row
	out := struct {
		plain
		Class *string `json:"class"`
	}{plain: plain(r)}
	if r.Class != "" {
		c := r.Class
		out.Class = &c
	}
	return json.Marshal(out)
}

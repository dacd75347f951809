package auth

import (
	"context"
	"strings"
)

// Grant is what an organisation outside the government (a property
// company, a social organisation, a service provider, a company, a
// technology vendor) may do and see under its agreement in force, filled
// in on its staff's User at every authentication by the Gate. A user
// without a Grant is not bound by one: the government's staff, the
// administrator, residents.
type Grant struct {
	Agreement  string   // the agreement's id
	Areas      []string // the areas of its scope, each with its subtree
	Categories []string // the categories of its scope, each with those under it; none: every one
	DataAreas  []string // the areas whose personal data it may read; none: its whole scope
	Phone      bool     // it may read a reporter's phone
	Name       bool     // … her name
	Address    bool     // … the exact address
}

// Personal data fields a Grant names.
const (
	FieldPhone   = "phone"
	FieldName    = "name"
	FieldAddress = "address"
)

func underAny(code string, roots []string) bool {
	for _, r := range roots {
		if r != "" && strings.HasPrefix(code, r) {
			return true
		}
	}
	return false
}

// InAreas reports whether the area lies in the grant's scope. An item with
// no area lies in none.
func (g *Grant) InAreas(areaCode string) bool {
	return g == nil || areaCode != "" && underAny(areaCode, g.Areas)
}

// Covers reports whether an item of the area and category lies inside the
// grant's scope. An unclassified item is covered only by a grant of every
// category.
func (g *Grant) Covers(areaCode, categoryCode string) bool {
	if g == nil {
		return true
	}
	if !g.InAreas(areaCode) {
		return false
	}
	return len(g.Categories) == 0 || categoryCode != "" && underAny(categoryCode, g.Categories)
}

// Shows reports whether the grant lets its holder read the field of
// personal data (FieldPhone, FieldName, FieldAddress) of an item in the
// area. Without a grant, every field: other rules decide.
func (g *Grant) Shows(field, areaCode string) bool {
	if g == nil {
		return true
	}
	if len(g.DataAreas) > 0 && !underAny(areaCode, g.DataAreas) {
		return false
	}
	switch field {
	case FieldPhone:
		return g.Phone
	case FieldName:
		return g.Name
	case FieldAddress:
		return g.Address
	}
	return false
}

// Gate decides, at every authentication (login, session, API token, API
// key), whether a staff account of an organisation may act now, and what
// its organisation's agreement grants it: nil for an organisation of the
// government. An error (403) refuses the request. The agreement capability
// is the gate; it is set at wiring (SetGate), so auth does not import it.
type Gate interface {
	Admit(ctx context.Context, u User) (*Grant, error)
}

// SetGate sets the gate; call it before serving.
func (s *Service) SetGate(g Gate) { s.gate = g }

// admit asks the gate about a staff account of an organisation.
func (s *Service) admit(ctx context.Context, u User) (User, error) {
	u.Grant = nil
	if s.gate == nil || u.OrgCode == "" || !u.Role.StaffAccount() {
		return u, nil
	}
	g, err := s.gate.Admit(ctx, u)
	if err != nil {
		return User{}, err
	}
	u.Grant = g
	return u, nil
}

// Package disclosure decides who may read an item of participation — a
// proposal, topic, announcement, key project, meeting, vote, survey or
// election — by its disclosure level (分级公开), and where a resident lives.
// Every capability that keeps such items asks CanSee for one item and adds
// Cond to its list queries, so lists, search and pages show each person
// exactly what she may see.
//
// The levels:
//
//   - public: everyone, guests included;
//   - residents: the residents of the item's area (a resident linked to the
//     area or to an area below it), and everyone who may read internal items;
//   - members: the members of the item's organisation (users whose
//     organisation it is) and the administrator;
//   - internal: staff whose area scope covers the item's area, staff of the
//     item's organisation, and the administrator.
//
// Whoever made an item reads it at any level (Item.Owner, a user ID).
package disclosure

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Level is how widely an item is disclosed.
type Level string

const (
	Public    Level = "public"
	Residents Level = "residents"
	Members   Level = "members"
	Internal  Level = "internal"
)

// Levels are the levels, the widest first.
var Levels = []Level{Public, Residents, Members, Internal}

// Valid reports whether l is one of the levels.
func (l Level) Valid() bool {
	for _, x := range Levels {
		if l == x {
			return true
		}
	}
	return false
}

// Check returns an invalid-input error unless l is one of the levels; an
// empty level is the default def.
func Check(l *Level, def Level) error {
	if *l == "" {
		*l = def
	}
	if !l.Valid() {
		return errs.Invalidf("公开范围须为 public、residents、members 或 internal", "visibility must be public, residents, members or internal")
	}
	return nil
}

// Name is the level in Chinese, for pages.
func (l Level) Name() string {
	switch l {
	case Public:
		return "公开"
	case Residents:
		return "本区域居民可见"
	case Members:
		return "本组织成员可见"
	case Internal:
		return "内部"
	}
	return string(l)
}

// Item is what the rule reads of an item.
type Item struct {
	Level    Level
	AreaCode string // the area it belongs to
	OrgCode  string // the organisation it belongs to, if any
	Owner    string // the user ID of whoever made it, if known
}

// CanSee reports whether u may read it; resident tells whether u is a
// resident of its area (LivesIn).
func CanSee(u auth.User, it Item, resident bool) bool {
	if u.ID != "" && it.Owner != "" && u.ID == it.Owner {
		return true
	}
	if u.IsAdmin() {
		return true
	}
	switch {
	case it.Level == Public:
		return true
	case it.OrgCode != "" && u.OrgCode == it.OrgCode:
		return true
	case it.Level == Members:
		return false
	case u.Role.IsStaff() && it.AreaCode != "" && u.InArea(it.AreaCode):
		return true
	}
	return it.Level == Residents && u.Role == auth.RoleResident && resident
}

// Cond adds to c the SQL twin of CanSee for a list: the columns named hold
// the item's level, area code, organisation code and owner ("" where the
// table keeps no owner).
func Cond(c *db.Conds, u auth.User, levelCol, areaCol, orgCol, ownerCol string) {
	if u.IsAdmin() {
		return
	}
	ors := []string{c.Bind(levelCol+" = ?", string(Public))}
	if ownerCol != "" && u.ID != "" {
		ors = append(ors, c.Bind(ownerCol+" = ?", u.ID))
	}
	if u.OrgCode != "" {
		ors = append(ors, c.Bind("("+orgCol+" <> '' AND "+orgCol+" = ?)", u.OrgCode))
	}
	if u.Role.IsStaff() && u.AreaCode != "" {
		lo, hi := gov.UnderRange(u.AreaCode)
		ors = append(ors, c.Bind("("+levelCol+" IN ('residents','internal') AND "+areaCol+" >= ? AND "+areaCol+" < ?)", lo, hi))
	}
	if u.Role == auth.RoleResident && u.Phone != "" {
		ors = append(ors, c.Bind("("+levelCol+" = 'residents' AND EXISTS (SELECT 1 FROM area_residents r WHERE r.phone = ? AND substr(r.area_code, 1, length("+areaCol+")) = "+areaCol+"))", u.Phone))
	}
	cond := ors[0]
	for _, o := range ors[1:] {
		cond += " OR " + o
	}
	c.Where = append(c.Where, "("+cond+")")
}

// LivesIn reports whether the phone is linked to the area or to an area
// below it (area_residents, kept by the proposal service's verification
// and import).
func LivesIn(ctx context.Context, q db.Queryer, phone, areaCode string) (bool, error) {
	if phone == "" || areaCode == "" {
		return false, nil
	}
	lo, hi := gov.UnderRange(areaCode)
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM area_residents WHERE phone = $1 AND area_code >= $2 AND area_code < $3`, phone, lo, hi).Scan(&n)
	return n > 0, errs.Wrap(err, "residence")
}

// Resident reports whether u is a resident of the area: a resident's
// account linked to it or to an area below it.
func Resident(ctx context.Context, q db.Queryer, u auth.User, areaCode string) (bool, error) {
	if u.Role != auth.RoleResident {
		return false, nil
	}
	return LivesIn(ctx, q, u.Phone, areaCode)
}

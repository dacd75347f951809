package proposal

import (
	"context"
	"database/sql"
	"errors"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// The organisation responsible for a proposal is found among the
// organisations attached to the proposal's area (orgs.area_code), by level:
//
//   - courtyard: any organisation attached to the courtyard itself (its
//     property company or residents' council); without one, the community
//     committee (社区居委会/村委会) of the community above it;
//   - community: the community committee (居委会/村委会) of the community;
//   - street: the street office (街道办事处/乡镇政府) of the street;
//   - district: the 12345 hotline centre of the district, which coordinates
//     district-level matters.
//
// Among several candidates the lowest code wins. With none, the proposal
// has no organisation ("") and only the administrator answers it.
func responsibleOrg(ctx context.Context, q db.Queryer, level gov.Level, area gov.Area) (string, error) {
	switch level {
	case gov.LevelCourtyard:
		org, err := orgAt(ctx, q, area.Code, nil)
		if err != nil || org != "" {
			return org, err
		}
		return orgAt(ctx, q, area.ParentCode, []gov.OrgKind{gov.KindCommunityCommittee, gov.KindVillageCommittee})
	case gov.LevelCommunity:
		return orgAt(ctx, q, area.Code, []gov.OrgKind{gov.KindCommunityCommittee, gov.KindVillageCommittee})
	case gov.LevelStreet:
		return orgAt(ctx, q, area.Code, []gov.OrgKind{gov.KindStreetOffice})
	case gov.LevelDistrict:
		return orgAt(ctx, q, area.Code, []gov.OrgKind{gov.KindHotlineCenter})
	}
	return "", nil
}

// orgAt is the lowest-coded organisation attached to the area, of one of the
// kinds (any kind when kinds is nil).
func orgAt(ctx context.Context, q db.Queryer, areaCode string, kinds []gov.OrgKind) (string, error) {
	if areaCode == "" {
		return "", nil
	}
	query := `SELECT code FROM orgs WHERE area_code = $1`
	args := []any{areaCode}
	if kinds != nil {
		query += ` AND kind IN ($2, $3)`
		k2 := kinds[0]
		if len(kinds) > 1 {
			k2 = kinds[1]
		}
		args = append(args, string(kinds[0]), string(k2))
	}
	var code string
	err := q.QueryRowContext(ctx, query+` ORDER BY code LIMIT 1`, args...).Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return code, errs.Wrap(err, "responsible org")
}

// nextLevel is the level above l, and false for the district.
func nextLevel(l gov.Level) (gov.Level, bool) {
	i := levelIndex(l)
	if i < 0 || i+1 >= len(Levels) {
		return "", false
	}
	return Levels[i+1], true
}

// upperArea walks up from the area to the nearest ancestor of the level.
func upperArea(ctx context.Context, q db.Queryer, from gov.Area, level gov.Level) (gov.Area, error) {
	a := from
	for i := 0; i < 8 && a.ParentCode != ""; i++ {
		p, err := gov.AreaQ(ctx, q, a.ParentCode)
		if err != nil {
			return gov.Area{}, err
		}
		if p.Level == level {
			return p, nil
		}
		a = p
	}
	return gov.Area{}, errs.Conflictf("找不到上一级（%s）的区划", "no area of level %s above this one", level)
}

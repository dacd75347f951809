package gov

import (
	"context"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/textsearch"
)

// PickGroup is the group a unit is shown under when a dispatcher picks one:
// the kinds she tells apart at a glance, in the order they are listed.
type PickGroup string

const (
	GroupDepartments PickGroup = "departments" // 职能部门
	GroupStreets     PickGroup = "streets"     // 街道办事处/乡镇政府
	GroupCommunities PickGroup = "communities" // 社区居委会/村委会
	GroupOthers      PickGroup = "others"      // 热线中心、网格站、企业……
)

// PickGroups lists the groups in the order a picker shows them.
var PickGroups = []PickGroup{GroupDepartments, GroupStreets, GroupCommunities, GroupOthers}

// GroupOf returns the picker's group of a kind of organisation.
func GroupOf(k OrgKind) PickGroup {
	switch k {
	case KindDepartment:
		return GroupDepartments
	case KindStreetOffice:
		return GroupStreets
	case KindCommunityCommittee, KindVillageCommittee:
		return GroupCommunities
	}
	return GroupOthers
}

func groupRank(g PickGroup) int {
	for i, x := range PickGroups {
		if x == g {
			return i
		}
	}
	return len(PickGroups)
}

// Limits of an organisation search.
const (
	OrgSearchMaxQuery = 40 // characters of the query
	OrgSearchDefault  = 20 // units returned when no limit is asked
	OrgSearchMax      = 50 // units returned at most
)

// OrgSearch is a search of organisations by name, pinyin or pinyin
// initials ("bhj" finds 滨河街道办事处).
type OrgSearch struct {
	Query    string // empty: every unit, the suggestion first
	AreaCode string // the area whose units are searched (and those under it); empty: all
	Suggest  string // a unit put first when it matches (the dispatch catalogue's choice)
	Limit    int    // 0: OrgSearchDefault
}

// OrgHit is one unit found.
type OrgHit struct {
	Org
	Group     PickGroup `json:"group"`
	Suggested bool      `json:"suggested"`
	Score     int       `json:"score"`
}

// OrgResult is what a search found: the suggestion first when it matches,
// then the others by group in PickGroups' order, the better matches first
// within a group. More says that more units matched than were returned.
type OrgResult struct {
	Hits []OrgHit `json:"hits"`
	More bool     `json:"more"`
}

func (q *OrgSearch) check() error {
	q.Query = strings.TrimSpace(q.Query)
	if utf8.RuneCountInString(q.Query) > OrgSearchMaxQuery {
		return errs.Invalidf("搜索词不能超过%d个字", "a search may have at most %d characters", OrgSearchMaxQuery)
	}
	if q.AreaCode != "" && !ValidCode(q.AreaCode) {
		return errs.Invalidf("区划代码格式不正确：%q", "malformed area code: %q", q.AreaCode)
	}
	switch {
	case q.Limit < 0 || q.Limit > OrgSearchMax:
		return errs.Invalidf("每次最多返回%d个单位", "at most %d units are returned at a time", OrgSearchMax)
	case q.Limit == 0:
		q.Limit = OrgSearchDefault
	}
	return nil
}

// SearchOrgs finds the organisations whose name, its pinyin or its pinyin
// initials match the query. A unit's name is also matched without the name
// of the area searched in front (平谷区水务局 is found by "swj").
func (s *Service) SearchOrgs(ctx context.Context, q OrgSearch) (OrgResult, error) {
	if err := q.check(); err != nil {
		return OrgResult{}, err
	}
	orgs, err := s.Orgs(ctx, OrgFilter{AreaCode: q.AreaCode})
	if err != nil {
		return OrgResult{}, err
	}
	prefix := ""
	if q.AreaCode != "" {
		if a, err := areaQ(ctx, s.db.R, q.AreaCode); err == nil {
			prefix = a.Name
		}
	}
	return rankOrgs(orgs, q, prefix), nil
}

// rankOrgs scores, orders and cuts the units as SearchOrgs says.
func rankOrgs(orgs []Org, q OrgSearch, prefix string) OrgResult {
	var hits []OrgHit
	for _, o := range orgs {
		score := 1 // an empty query keeps every unit
		if q.Query != "" {
			score = textsearch.Score(q.Query, o.Name)
			if short := strings.TrimPrefix(o.Name, prefix); prefix != "" && short != o.Name && short != "" {
				score = max(score, textsearch.Score(q.Query, short))
			}
		}
		if score > 0 {
			hits = append(hits, OrgHit{Org: o, Group: GroupOf(o.Kind), Score: score, Suggested: o.Code == q.Suggest && q.Suggest != ""})
		}
	}
	// The best first, to cut at the limit; ties keep the groups' order.
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.Suggested != b.Suggested {
			return a.Suggested
		}
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if ga, gb := groupRank(a.Group), groupRank(b.Group); ga != gb {
			return ga < gb
		}
		return a.Code < b.Code
	})
	res := OrgResult{Hits: hits}
	if len(hits) > q.Limit {
		res.Hits, res.More = hits[:q.Limit], true
	}
	// Then by group for the list, the suggestion still on top.
	sort.SliceStable(res.Hits, func(i, j int) bool {
		a, b := res.Hits[i], res.Hits[j]
		if a.Suggested != b.Suggested {
			return a.Suggested
		}
		return groupRank(a.Group) < groupRank(b.Group)
	})
	if res.Hits == nil {
		res.Hits = []OrgHit{}
	}
	return res
}

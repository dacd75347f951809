// Package gov is the administrative skeleton: areas with their statistical
// division codes, the organisations attached to them, and the memberships of
// users in organisations.
package gov

import (
	"time"
)

// Level is the level of an area in the administrative tree.
type Level string

const (
	LevelProvince  Level = "province"
	LevelCity      Level = "city"
	LevelDistrict  Level = "district"
	LevelStreet    Level = "street"    // 街道/乡镇
	LevelCommunity Level = "community" // 社区/村
	LevelGrid      Level = "grid"      // 网格
	LevelCourtyard Level = "courtyard" // 院落/小区
)

// Levels lists the levels from the top down.
var Levels = []Level{LevelProvince, LevelCity, LevelDistrict, LevelStreet, LevelCommunity, LevelGrid, LevelCourtyard}

// Area is one node of the administrative tree. A child's code always starts
// with its parent's code, so "all areas under X" is a prefix range on codes.
type Area struct {
	Code       string `json:"code"`
	ParentCode string `json:"parent_code"`
	Name       string `json:"name"`
	Level      Level  `json:"level"`
	Population int64  `json:"population"`
}

// OrgKind is the kind of an organisation.
type OrgKind string

const (
	KindDepartment         OrgKind = "department"          // 职能部门
	KindStreetOffice       OrgKind = "street_office"       // 街道办事处/乡镇政府
	KindCommunityCommittee OrgKind = "community_committee" // 社区居委会
	KindVillageCommittee   OrgKind = "village_committee"   // 村委会
	KindHotlineCenter      OrgKind = "hotline_center"      // 12345 热线中心
	KindGridStation        OrgKind = "grid_station"        // 网格化服务管理中心/站
	KindPartyOrg           OrgKind = "party_org"           // 党组织
	KindPropertyCompany    OrgKind = "property_company"    // 物业服务企业
	KindSocialOrg          OrgKind = "social_org"          // 社会组织
	KindServiceProvider    OrgKind = "service_provider"    // 服务机构
	KindMediationCommittee OrgKind = "mediation_committee" // 人民调解委员会
	KindCompany            OrgKind = "company"             // 驻区单位/企业 (utilities and the like)
	KindTechVendor         OrgKind = "tech_vendor"         // 技术服务商
)

// OrgKinds lists every kind.
var OrgKinds = []OrgKind{KindDepartment, KindStreetOffice, KindCommunityCommittee, KindVillageCommittee,
	KindHotlineCenter, KindGridStation, KindPartyOrg, KindPropertyCompany, KindSocialOrg,
	KindServiceProvider, KindMediationCommittee, KindCompany, KindTechVendor}

// governmentKinds are the organisations of the government and of the
// bodies it answers for (community and village committees, the hotline,
// the grid stations, the party organisations, the people's mediation
// committees). Only their staff may administer gongzhi or supervise
// (auth); every other organisation acts under an agreement (agreement).
var governmentKinds = map[OrgKind]bool{KindDepartment: true, KindStreetOffice: true, KindCommunityCommittee: true,
	KindVillageCommittee: true, KindHotlineCenter: true, KindGridStation: true, KindPartyOrg: true, KindMediationCommittee: true}

// Government reports whether the kind is a government organisation's:
// not a property company, a social organisation, a service provider, a
// company or a technology vendor.
func (k OrgKind) Government() bool { return governmentKinds[k] }

// Org is an organisation that takes part in governance, attached to an area.
type Org struct {
	Code       string    `json:"code"`
	Name       string    `json:"name"`
	Kind       OrgKind   `json:"kind"`
	AreaCode   string    `json:"area_code"`
	ParentCode string    `json:"parent_code"`
	Phone      string    `json:"phone"`
	CreatedAt  time.Time `json:"created_at"`
}

// Membership says that a user belongs to an organisation.
type Membership struct {
	UserID    string    `json:"user_id"`
	OrgCode   string    `json:"org_code"`
	Title     string    `json:"title"`
	CreatedAt time.Time `json:"created_at"`
}

// UnderRange returns the bounds [lo, hi) of the codes in the subtree of code:
// code itself and every code that starts with it. Codes hold only ASCII
// letters, digits, '-' and '_', all below '~'.
func UnderRange(code string) (lo, hi string) { return code, code + "~" }

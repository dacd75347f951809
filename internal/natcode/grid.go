package natcode

import "github.com/gongzhi/gongzhi/internal/errs"

// Lengths of the statistical division codes and of a unit-grid code.
const (
	DistrictCodeLen  = 6  // GB/T 2260: county-level division
	StreetCodeLen    = 9  // + 3 digits of the street or township (GB/T 10114)
	CommunityCodeLen = 12 // + 3 digits of the community or village (统计用区划代码)
	GridCodeLen      = 15 // GB/T 30428.1: + 3 digits of the grid's sequence in its community
)

// StatisticalCode reports whether code is a statistical division code of a
// district, street or community: all digits, of one of their lengths.
func StatisticalCode(code string) bool {
	switch len(code) {
	case 2, 4, DistrictCodeLen, StreetCodeLen, CommunityCodeLen:
		return digits(code)
	}
	return false
}

// CheckGridCode checks a unit-grid code against the division code of the
// community the grid lies in: 15 digits, the community's 12-digit code
// first, then a sequence from 001. It returns a user's error, bilingual.
func CheckGridCode(communityCode, unitCode string) error {
	if len(communityCode) != CommunityCodeLen || !digits(communityCode) {
		return errs.Invalidf("网格所在社区的代码 %q 不是12位统计用区划代码，无法编制单元网格代码",
			"the grid's community code %q is not a 12-digit statistical division code, so no unit-grid code can be built on it", communityCode)
	}
	if len(unitCode) != GridCodeLen || !digits(unitCode) {
		return errs.Invalidf("单元网格代码须为15位数字：%q", "a unit-grid code must be 15 digits: %q", unitCode)
	}
	if unitCode[:CommunityCodeLen] != communityCode {
		return errs.Invalidf("单元网格代码 %s 须以所在社区代码 %s 开头", "unit-grid code %s must start with its community's code %s", unitCode, communityCode)
	}
	if unitCode[CommunityCodeLen:] == "000" {
		return errs.Invalidf("单元网格顺序码从001开始：%s", "a unit grid's sequence starts at 001: %s", unitCode)
	}
	return nil
}

package election

import (
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// Share is a share of a whole: at least Num/Den of it, or more than Num/Den
// when Strict. It is written "2/3" (at least two thirds) or ">1/2" (more
// than half).
type Share struct {
	Num    int64 `json:"num"`
	Den    int64 `json:"den"`
	Strict bool  `json:"strict"`
}

// MaxDen is the largest denominator of a share: with areas of at most
// vote.MaxUnits × vote.MaxUnitArea hundredths the products stay far inside
// int64.
const MaxDen = 100

// Of reports whether part is the share of whole, in integers only. Nothing
// is a share of an empty whole.
func (s Share) Of(part, whole int64) bool {
	if whole <= 0 {
		return false
	}
	l, r := part*s.Den, s.Num*whole
	if s.Strict {
		return l > r
	}
	return l >= r
}

// String writes the share as ParseShare reads it.
func (s Share) String() string {
	p := ""
	if s.Strict {
		p = ">"
	}
	return p + strconv.FormatInt(s.Num, 10) + "/" + strconv.FormatInt(s.Den, 10)
}

// AtLeast reports whether s asks at least as much as t.
func (s Share) AtLeast(t Share) bool {
	l, r := s.Num*t.Den, t.Num*s.Den
	return l > r || (l == r && (s.Strict || !t.Strict))
}

func (s Share) valid() bool {
	return s.Den >= 1 && s.Den <= MaxDen && s.Num >= 0 && s.Num <= s.Den && (s.Num > 0 || s.Strict) && !(s.Strict && s.Num == s.Den)
}

// ParseShare reads "2/3" or ">1/2".
func ParseShare(v string) (Share, bool) {
	var s Share
	v = strings.TrimSpace(v)
	if rest, ok := strings.CutPrefix(v, ">"); ok {
		s.Strict, v = true, rest
	}
	n, d, ok := strings.Cut(v, "/")
	num, err1 := strconv.ParseInt(n, 10, 64)
	den, err2 := strconv.ParseInt(d, 10, 64)
	s.Num, s.Den = num, den
	return s, ok && err1 == nil && err2 == nil && s.valid()
}

// Rules are what an election of a kind needs: Quorum, the participation
// (of the owners and of their floor area for an owners' committee, of the
// registered voters for residents' representatives), and Elect, the share
// of those who voted that a candidate must win (of their owners and of
// their area for an owners' committee).
type Rules struct {
	Quorum Share `json:"quorum"`
	Elect  Share `json:"elect"`
}

// LegalOwners is what Civil Code art. 278 asks of electing an owners'
// committee, a matter the owners decide jointly: two thirds of the area
// and of the owners take part, and more than half of the area and of the
// owners who took part agree. A district may ask more, never less.
var LegalOwners = Rules{Quorum: Share{2, 3, false}, Elect: Share{1, 2, true}}

// DefaultRules are the rules of each kind: the owners' committee by the
// Civil Code; residents' representatives with more than half of the
// registered voters taking part and more than half of the ballots for each
// one elected.
func DefaultRules() map[string]Rules {
	return map[string]Rules{
		KindOwnersCommittee: LegalOwners,
		KindResidents:       {Quorum: Share{1, 2, true}, Elect: Share{1, 2, true}},
	}
}

// CheckRules refuses rules that cannot work, and an owners' committee's
// below the law.
func CheckRules(rs map[string]Rules) error {
	for _, k := range Kinds {
		r, ok := rs[k]
		if !ok || !r.Quorum.valid() || !r.Elect.valid() {
			return errs.Invalidf("选举规则不正确：%s", "bad election rules for %s", k)
		}
	}
	o := rs[KindOwnersCommittee]
	if !o.Quorum.AtLeast(LegalOwners.Quorum) || !o.Elect.AtLeast(LegalOwners.Elect) {
		return errs.Invalidf("业委会选举规则不能低于《民法典》第二百七十八条（参与≥2/3，同意>1/2）", "the owners' committee's rules may not ask less than art. 278 of the Civil Code (2/3 taking part, more than 1/2 agreeing)")
	}
	return nil
}

// ParseRules reads the district's rules from
// "owners_committee.quorum=2/3,owners_committee.elect=>1/2,
// residents_representatives.quorum=>1/2,residents_representatives.elect=>1/2":
// per kind the participation and the share to be elected, each "n/d" (at
// least) or ">n/d" (more than). Parts left out keep their defaults.
func ParseRules(s string) (map[string]Rules, error) {
	rs := DefaultRules()
	if strings.TrimSpace(s) == "" {
		return rs, nil
	}
	bad := errs.Invalidf("选举规则格式不正确：%q", "malformed election rules: %q", s)
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		kind, which, ok2 := strings.Cut(k, ".")
		sh, ok3 := ParseShare(v)
		r, known := rs[kind]
		if !ok || !ok2 || !ok3 || !known {
			return rs, bad
		}
		switch which {
		case "quorum":
			r.Quorum = sh
		case "elect":
			r.Elect = sh
		default:
			return rs, bad
		}
		rs[kind] = r
	}
	return rs, CheckRules(rs)
}

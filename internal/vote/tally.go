package vote

import (
	"strconv"
	"strings"
)

// Area is a floor area in hundredths of a square metre: exact, never a
// float.
type Area int64

// MaxUnitArea is the largest floor area of one unit, 100,000 m².
const MaxUnitArea Area = 100000_00

// ParseArea reads a decimal of square metres with at most two places
// ("88", "88.5", "88.50"), above zero and at most MaxUnitArea.
func ParseArea(s string) (Area, bool) {
	s = strings.TrimSpace(s)
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 6 || len(frac) > 2 || (dot && frac == "") || !digits(whole) || !digits(frac) {
		return 0, false
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			f *= 10
		}
	}
	a := Area(w*100 + f)
	return a, a > 0 && a <= MaxUnitArea
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String writes the area with two places: "1234.50".
func (a Area) String() string {
	sign := ""
	if a < 0 {
		sign, a = "-", -a
	}
	return sign + strconv.FormatInt(int64(a/100), 10) + "." + strconv.FormatInt(int64(a%100)/10, 10) + strconv.FormatInt(int64(a%10), 10)
}

// MarshalText writes the area as a decimal string.
func (a Area) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// Result is a vote's six figures and what they decide.
type Result struct {
	AreaTotal   Area  `json:"area_total"`
	OwnersTotal int64 `json:"owners_total"`
	AreaVoted   Area  `json:"area_voted"`
	OwnersVoted int64 `json:"owners_voted"`
	AreaAgree   Area  `json:"area_agree"`
	OwnersAgree int64 `json:"owners_agree"`
	QuorumMet   bool  `json:"quorum_met"`
	Passed      bool  `json:"passed"`
}

// castUnit is a unit of the register with its ballot's choice ("" when it
// has not voted).
type castUnit struct {
	area   Area
	owner  string
	choice string
}

// Tally computes the result by art. 278 with integers only.
//
// A unit has voted when it cast any ballot, abstain included; an owner has
// voted when any of her units has. The area that agrees is that of the
// units that chose agree. An owner counts once by headcount however many
// units she holds; she agrees by headcount when her largest voted unit
// (by floor area) chose agree; when several of her voted units share that
// largest area and not all of them chose agree, she does not agree.
//
// Participation needs area_voted ≥ 2/3 of area_total and owners_voted ≥
// 2/3 of owners_total (an empty register never meets it). An ordinary
// matter passes with area_agree > 1/2 of area_voted and owners_agree > 1/2
// of owners_voted; a major one with ≥ 3/4 of each. Without participation
// nothing passes.
func Tally(matter string, units []castUnit) Result {
	var r Result
	type owner struct {
		voted   bool
		largest Area
		agree   bool
	}
	owners := map[string]*owner{}
	for _, u := range units {
		r.AreaTotal += u.area
		o := owners[u.owner]
		if o == nil {
			o = &owner{}
			owners[u.owner] = o
		}
		if u.choice == "" {
			continue
		}
		r.AreaVoted += u.area
		agree := u.choice == ChoiceAgree
		if agree {
			r.AreaAgree += u.area
		}
		switch {
		case !o.voted || u.area > o.largest:
			o.voted, o.largest, o.agree = true, u.area, agree
		case u.area == o.largest:
			o.agree = o.agree && agree
		}
	}
	r.OwnersTotal = int64(len(owners))
	for _, o := range owners {
		if o.voted {
			r.OwnersVoted++
			if o.agree {
				r.OwnersAgree++
			}
		}
	}
	r.QuorumMet = r.AreaTotal > 0 && r.OwnersTotal > 0 &&
		3*int64(r.AreaVoted) >= 2*int64(r.AreaTotal) && 3*r.OwnersVoted >= 2*r.OwnersTotal
	if !r.QuorumMet {
		return r
	}
	if matter == MatterMajor {
		r.Passed = 4*int64(r.AreaAgree) >= 3*int64(r.AreaVoted) && 4*r.OwnersAgree >= 3*r.OwnersVoted
	} else {
		r.Passed = 2*int64(r.AreaAgree) > int64(r.AreaVoted) && 2*r.OwnersAgree > r.OwnersVoted
	}
	return r
}

// Checks are the four conditions of a result, each computed exactly, for
// the pages that explain it.
type Checks struct {
	AreaQuorum   bool // area_voted ≥ 2/3 of area_total
	OwnersQuorum bool // owners_voted ≥ 2/3 of owners_total
	AreaAgree    bool // area_agree > 1/2 (ordinary) or ≥ 3/4 (major) of area_voted
	OwnersAgree  bool // owners_agree likewise of owners_voted
}

// Checks returns the conditions of r for the matter.
func (r Result) Checks(matter string) Checks {
	c := Checks{
		AreaQuorum:   r.AreaTotal > 0 && 3*int64(r.AreaVoted) >= 2*int64(r.AreaTotal),
		OwnersQuorum: r.OwnersTotal > 0 && 3*r.OwnersVoted >= 2*r.OwnersTotal,
	}
	if matter == MatterMajor {
		c.AreaAgree = r.AreaVoted > 0 && 4*int64(r.AreaAgree) >= 3*int64(r.AreaVoted)
		c.OwnersAgree = r.OwnersVoted > 0 && 4*r.OwnersAgree >= 3*r.OwnersVoted
	} else {
		c.AreaAgree = 2*int64(r.AreaAgree) > int64(r.AreaVoted)
		c.OwnersAgree = 2*r.OwnersAgree > r.OwnersVoted
	}
	return c
}

package meeting

import "github.com/gongzhi/gongzhi/internal/errs"

// Quorum is how many of the roster must be present for the meeting to
// resolve anything.
type Quorum string

const (
	// Majority: more than half of the roster (6 of 10, 4 of 7); exactly
	// half is not enough. The default.
	Majority Quorum = "majority"
	// TwoThirds: at least two thirds of the roster (7 of 10, 6 of 9).
	TwoThirds Quorum = "two_thirds"
)

// DefaultQuorum is the rule of a meeting that names none.
const DefaultQuorum = Majority

// Check returns an invalid-input error unless q is a rule; empty is the
// default.
func (q *Quorum) Check() error {
	if *q == "" {
		*q = DefaultQuorum
	}
	if *q != Majority && *q != TwoThirds {
		return errs.Invalidf("法定人数规则须为 majority（过半数）或 two_thirds（三分之二以上）", "quorum must be majority or two_thirds")
	}
	return nil
}

// Met reports whether present of roster make the quorum, in integers: more
// than half is 2·present > roster; at least two thirds is 3·present ≥
// 2·roster. An empty roster never does.
func (q Quorum) Met(present, roster int64) bool {
	if roster <= 0 || present < 0 || present > roster {
		return false
	}
	if q == TwoThirds {
		return 3*present >= 2*roster
	}
	return 2*present > roster
}

// Needed is the fewest present that make the quorum of roster.
func (q Quorum) Needed(roster int64) int64 {
	if roster <= 0 {
		return 0
	}
	if q == TwoThirds {
		return (2*roster + 2) / 3
	}
	return roster/2 + 1
}

// Passed reports whether a resolution passes: more than half of those
// present agree (2·for > present). Abstaining, voting against and not
// voting all count alike as not agreeing.
func Passed(agree, present int64) bool {
	return present > 0 && 2*agree > present
}

package election

import (
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/vote"
)

var abc = []Candidate{{ID: "a", Name: "甲"}, {ID: "b", Name: "乙"}, {ID: "c", Name: "丙"}}

func b(area vote.Area, choices ...string) ballot { return ballot{area: area, choices: choices} }

func elected(r Result) string { return strings.Join(r.Elected, ",") }

func TestTallyOwnersParticipationBoundary(t *testing.T) {
	rules := DefaultRules()[KindOwnersCommittee]
	// Three owners of 100 m² each, two vote: exactly two thirds of both.
	r := Tally(KindOwnersCommittee, rules, 1, abc, roll{voters: 3, area: 300_00}, []ballot{b(100_00, "a"), b(100_00, "a")})
	if !r.QuorumMet || elected(r) != "a" || r.AreaVoted != 200_00 {
		t.Errorf("exactly 2/3: %+v", r)
	}
	// One hundredth of a square metre below two thirds of the area.
	r = Tally(KindOwnersCommittee, rules, 1, abc, roll{voters: 3, area: 300_00}, []ballot{b(100_00, "a"), b(99_99, "a")})
	if r.QuorumMet || len(r.Elected) != 0 || r.SeatsUnfilled != 1 || r.Candidates[0].Passed {
		t.Errorf("0.01 m² below 2/3: %+v", r)
	}
	// The area is there but not the owners: one owner of three with 2/3 of the area.
	r = Tally(KindOwnersCommittee, rules, 1, abc, roll{voters: 3, area: 300_00}, []ballot{b(200_00, "a")})
	if r.QuorumMet {
		t.Errorf("owners below 2/3: %+v", r)
	}
	// An empty roll never meets it.
	if r := Tally(KindOwnersCommittee, rules, 1, abc, roll{}, nil); r.QuorumMet || r.SeatsUnfilled != 1 {
		t.Errorf("empty: %+v", r)
	}
}

func TestTallyOwnersMoreThanHalf(t *testing.T) {
	rules := DefaultRules()[KindOwnersCommittee]
	four := roll{voters: 4, area: 400_00}
	// b is named by exactly half of the owners who voted, with more than
	// half of the area: not elected. a by three of four: elected.
	r := Tally(KindOwnersCommittee, rules, 2, abc, four, []ballot{b(100_00, "a", "b"), b(100_01, "a", "b"), b(100_00, "a"), b(99_99)})
	if elected(r) != "a" || r.SeatsUnfilled != 1 {
		t.Fatalf("exactly half the owners: %+v", r)
	}
	for _, c := range r.Candidates {
		if c.ID == "b" && (c.Passed || c.Votes != 2 || c.Area != 200_01) {
			t.Errorf("b: %+v", c)
		}
	}
	// More than half of the owners, exactly half of the area: not elected.
	r = Tally(KindOwnersCommittee, rules, 1, abc, roll{voters: 3, area: 400_00}, []ballot{b(100_00, "a"), b(100_00, "a"), b(200_00)})
	if len(r.Elected) != 0 || r.Candidates[0].Area != 200_00 {
		t.Errorf("exactly half the area: %+v", r)
	}
}

func TestTallyTieAtTheLastSeat(t *testing.T) {
	rules := DefaultRules()[KindResidents]
	five := roll{voters: 6}
	ballots := []ballot{b(0, "a", "b"), b(0, "a", "c"), b(0, "a", "b"), b(0, "a", "c"), b(0, "b", "c")}
	// Two seats: a (4) is elected; b and c (3 each) tie for the last seat,
	// neither is elected and the seat waits for a run-off.
	r := Tally(KindResidents, rules, 2, abc, five, ballots)
	if elected(r) != "a" || r.SeatsUnfilled != 1 || strings.Join(r.Runoff, ",") != "b,c" || !r.Candidates[1].Tied || r.Candidates[1].Elected {
		t.Fatalf("tie for the last seat: %+v", r)
	}
	// Three seats: the tie fits, all three are elected.
	r = Tally(KindResidents, rules, 3, abc, five, ballots)
	if elected(r) != "a,b,c" || r.SeatsUnfilled != 0 || len(r.Runoff) != 0 {
		t.Fatalf("the tie fits: %+v", r)
	}
	// One seat among two equal leaders: nobody is elected.
	r = Tally(KindResidents, rules, 1, abc, roll{voters: 2}, []ballot{b(0, "a", "b"), b(0, "a", "b")})
	if len(r.Elected) != 0 || r.SeatsUnfilled != 1 || len(r.Runoff) != 2 {
		t.Fatalf("tie for the only seat: %+v", r)
	}
}

func TestTallyOwnersTieBrokenByArea(t *testing.T) {
	rules := DefaultRules()[KindOwnersCommittee]
	r := Tally(KindOwnersCommittee, rules, 1, abc, roll{voters: 3, area: 300_00},
		[]ballot{b(100_01, "a", "b"), b(100_00, "a", "b"), b(99_99, "b")})
	if elected(r) != "b" {
		t.Fatalf("b has more votes: %+v", r)
	}
	r = Tally(KindOwnersCommittee, rules, 1, abc, roll{voters: 3, area: 300_00},
		[]ballot{b(100_01, "a"), b(100_00, "a", "b"), b(99_99, "b")})
	if elected(r) != "a" || len(r.Runoff) != 0 {
		t.Fatalf("equal votes, a has more area: %+v", r)
	}
}

func TestTallyResidentsRules(t *testing.T) {
	rules := DefaultRules()[KindResidents]
	// Four registered, two voted: not more than half.
	r := Tally(KindResidents, rules, 1, abc, roll{voters: 4}, []ballot{b(0, "a"), b(0, "a")})
	if r.QuorumMet || len(r.Elected) != 0 {
		t.Errorf("half took part: %+v", r)
	}
	// Three of four: met; a blank ballot counts for participation and in
	// the share a candidate needs: a has 2 of 3.
	r = Tally(KindResidents, rules, 1, abc, roll{voters: 4}, []ballot{b(0, "a"), b(0, "a"), b(0)})
	if !r.QuorumMet || elected(r) != "a" || r.VotersVoted != 3 {
		t.Errorf("three of four: %+v", r)
	}
	r = Tally(KindResidents, rules, 1, abc, roll{voters: 4}, []ballot{b(0, "a"), b(0, "b"), b(0), b(0, "a")})
	if len(r.Elected) != 0 {
		t.Errorf("a with exactly half of the ballots: %+v", r)
	}
	// The district's own rules: at least a third of the ballots.
	low := Rules{Quorum: Share{1, 2, true}, Elect: Share{1, 3, false}}
	r = Tally(KindResidents, low, 2, abc, roll{voters: 4}, []ballot{b(0, "a"), b(0, "b"), b(0, "c")})
	if len(r.Runoff) != 3 || r.SeatsUnfilled != 2 {
		t.Errorf("three tied at a third for two seats: %+v", r)
	}
}

func TestRules(t *testing.T) {
	for s, want := range map[string]bool{"2/3": true, ">1/2": true, "1/1": true, ">0/1": true, "0/1": false, ">1/1": false,
		"3/2": false, "1/0": false, "1/101": false, "x": false, "1/2/3": false, ">>1/2": false} {
		if _, ok := ParseShare(s); ok != want {
			t.Errorf("ParseShare(%q) = %v", s, ok)
		}
	}
	if sh, _ := ParseShare(">1/2"); sh.String() != ">1/2" || !sh.Of(3, 5) || sh.Of(2, 4) || sh.Of(0, 0) {
		t.Errorf("share %+v", sh)
	}
	rs, err := ParseRules("residents_representatives.quorum=1/2,residents_representatives.elect=1/3,owners_committee.quorum=3/4")
	if err != nil || rs[KindResidents].Elect.String() != "1/3" || rs[KindOwnersCommittee].Quorum.String() != "3/4" || rs[KindOwnersCommittee].Elect.String() != ">1/2" {
		t.Fatalf("parse: %+v %v", rs, err)
	}
	for _, bad := range []string{"owners_committee.quorum=1/2", "owners_committee.elect=1/2", "owners_committee.elect=>1/3",
		"residents_representatives.turnout=1/2", "other.quorum=1/2", "residents_representatives.quorum"} {
		if _, err := ParseRules(bad); err == nil {
			t.Errorf("%q taken", bad)
		}
	}
	if !(Share{2, 3, true}).AtLeast(Share{2, 3, false}) || (Share{2, 3, false}).AtLeast(Share{2, 3, true}) || !(Share{3, 4, false}).AtLeast(Share{2, 3, true}) {
		t.Error("AtLeast")
	}
}

package vote

import "testing"

func units(xs ...castUnit) []castUnit { return xs }

func u(area Area, owner, choice string) castUnit {
	return castUnit{area: area, owner: owner, choice: choice}
}

func TestTallyParticipationBoundary(t *testing.T) {
	// Exactly two thirds of the area and of the owners: met.
	r := Tally(MatterOrdinary, units(u(100_00, "a", ChoiceAgree), u(100_00, "b", ChoiceAbstain), u(100_00, "c", "")))
	if !r.QuorumMet || r.AreaVoted != 200_00 || r.OwnersVoted != 2 {
		t.Errorf("exactly 2/3: %+v", r)
	}
	// One hundredth of a square metre below two thirds of the area: not met.
	r = Tally(MatterOrdinary, units(u(100_00, "a", ChoiceAgree), u(99_99, "b", ChoiceAgree), u(100_01, "c", "")))
	if r.QuorumMet || r.Passed || r.AreaTotal != 300_00 || r.AreaVoted != 199_99 {
		t.Errorf("0.01 m² below 2/3: %+v", r)
	}
	// The area is there but not the owners: 2/3 of the area by one owner of three.
	r = Tally(MatterOrdinary, units(u(200_00, "a", ChoiceAgree), u(50_00, "b", ""), u(50_00, "c", "")))
	if r.QuorumMet || r.Passed {
		t.Errorf("owners below 2/3: %+v", r)
	}
	// An empty register never meets it.
	if r := Tally(MatterOrdinary, nil); r.QuorumMet || r.Passed {
		t.Errorf("empty: %+v", r)
	}
}

func TestTallyOrdinaryNeedsMoreThanHalf(t *testing.T) {
	half := units(u(100_00, "a", ChoiceAgree), u(100_00, "b", ChoiceAgree), u(100_00, "c", ChoiceDisagree), u(100_00, "d", ChoiceAbstain))
	if r := Tally(MatterOrdinary, half); !r.QuorumMet || r.Passed || r.AreaAgree != 200_00 || r.OwnersAgree != 2 {
		t.Errorf("exactly half: %+v", r)
	}
	more := units(u(100_00, "a", ChoiceAgree), u(100_00, "b", ChoiceAgree), u(100_01, "c", ChoiceAgree), u(100_00, "d", ChoiceAbstain))
	if r := Tally(MatterOrdinary, more); !r.Passed {
		t.Errorf("three of four: %+v", r)
	}
	// More than half the area but exactly half the owners: not passed.
	area := units(u(300_00, "a", ChoiceAgree), u(100_00, "b", ChoiceDisagree))
	if r := Tally(MatterOrdinary, area); r.Passed {
		t.Errorf("half the owners: %+v", r)
	}
}

func TestTallyMajorNeedsThreeQuarters(t *testing.T) {
	three := units(u(100_00, "a", ChoiceAgree), u(100_00, "b", ChoiceAgree), u(100_00, "c", ChoiceAgree), u(100_00, "d", ChoiceDisagree))
	if r := Tally(MatterMajor, three); !r.Passed {
		t.Errorf("exactly 3/4: %+v", r)
	}
	below := units(u(100_00, "a", ChoiceAgree), u(100_00, "b", ChoiceAgree), u(99_99, "c", ChoiceAgree), u(100_00, "d", ChoiceDisagree))
	if r := Tally(MatterMajor, below); r.Passed {
		t.Errorf("0.01 m² below 3/4: %+v", r)
	}
}

func TestTallyOwnerOfSeveralUnits(t *testing.T) {
	// x holds two units and counts once by headcount; her larger unit agrees.
	r := Tally(MatterOrdinary, units(u(150_00, "x", ChoiceAgree), u(50_00, "x", ChoiceDisagree), u(100_00, "y", ChoiceDisagree)))
	if r.OwnersTotal != 2 || r.OwnersVoted != 2 || r.OwnersAgree != 1 || r.AreaAgree != 150_00 || r.AreaVoted != 300_00 {
		t.Errorf("larger unit agrees: %+v", r)
	}
	// Her larger unit disagrees: she does not agree by headcount.
	r = Tally(MatterOrdinary, units(u(50_00, "x", ChoiceAgree), u(150_00, "x", ChoiceDisagree)))
	if r.OwnersAgree != 0 || r.OwnersTotal != 1 {
		t.Errorf("larger unit disagrees: %+v", r)
	}
	// Two largest units of the same area, one agreeing: not agree.
	r = Tally(MatterOrdinary, units(u(90_00, "x", ChoiceAgree), u(90_00, "x", ChoiceAbstain), u(10_00, "x", ChoiceAgree)))
	if r.OwnersAgree != 0 || r.OwnersVoted != 1 {
		t.Errorf("tie: %+v", r)
	}
	// Both agreeing: agree.
	r = Tally(MatterOrdinary, units(u(90_00, "x", ChoiceAgree), u(90_00, "x", ChoiceAgree)))
	if r.OwnersAgree != 1 {
		t.Errorf("tie agreeing: %+v", r)
	}
	// Only her smaller unit voted: it decides; she has voted.
	r = Tally(MatterOrdinary, units(u(150_00, "x", ""), u(50_00, "x", ChoiceAgree)))
	if r.OwnersVoted != 1 || r.OwnersAgree != 1 || r.AreaVoted != 50_00 {
		t.Errorf("smaller voted alone: %+v", r)
	}
}

func TestParseArea(t *testing.T) {
	for s, want := range map[string]Area{"88": 88_00, "88.5": 88_50, "88.05": 88_05, "0.01": 1, " 100000 ": 100000_00} {
		if a, ok := ParseArea(s); !ok || a != want {
			t.Errorf("%q: %v %v", s, a, ok)
		}
	}
	for _, s := range []string{"", "0", "0.00", "-1", "1.234", "1.", ".5", "1e3", "100000.01", "8８", "1,5", "NaN"} {
		if _, ok := ParseArea(s); ok {
			t.Errorf("%q taken", s)
		}
	}
	if Area(123450).String() != "1234.50" || Area(5).String() != "0.05" {
		t.Error("format")
	}
}

package election

import (
	"sort"

	"github.com/gongzhi/gongzhi/internal/vote"
)

// Result is an election's count, stored when it closes.
type Result struct {
	// VotersTotal is the roll: the owners on the register (each once,
	// however many units she holds), or the residents verified in the area
	// when the election closed. VotersVoted is the ballots cast.
	VotersTotal int64 `json:"voters_total"`
	VotersVoted int64 `json:"voters_voted"`
	// AreaTotal and AreaVoted are the register's floor area and that of
	// the owners who voted (an owners' committee; "0.00" otherwise).
	AreaTotal vote.Area `json:"area_total"`
	AreaVoted vote.Area `json:"area_voted"`
	QuorumMet bool      `json:"quorum_met"`
	// Candidates are in their order of the count: most votes first (for an
	// owners' committee, then most area), then as entered.
	Candidates    []CandidateResult `json:"candidates"`
	Elected       []string          `json:"elected"` // candidate IDs, in that order
	SeatsUnfilled int               `json:"seats_unfilled"`
	// Runoff names the candidates tied at the last seats: none of them is
	// elected and those seats wait for a run-off.
	Runoff []string `json:"runoff"`
}

// CandidateResult is a candidate's count.
type CandidateResult struct {
	ID    string    `json:"id"`
	Name  string    `json:"name"`
	Votes int64     `json:"votes"`
	Area  vote.Area `json:"area"` // owners' committee: the floor area of the owners naming her
	// Passed: her votes (and area) reached the rule's share of those who
	// voted; Elected: she has a seat; Tied: tied at the last seat.
	Passed  bool `json:"passed"`
	Elected bool `json:"elected"`
	Tied    bool `json:"tied"`
}

// ballot is a ballot to count: the voter's floor area (the sum of her
// units, an owners' committee) and the candidates it names.
type ballot struct {
	area    vote.Area
	choices []string
}

// roll is who may vote: how many, and the floor area of the register.
type roll struct {
	voters int64
	area   vote.Area
}

// Tally counts an election with integers only.
//
// Participation: the ballots cast (blank ones included) reach Quorum of
// the roll; for an owners' committee, the floor area of the owners who
// voted also reaches Quorum of the register's area. Without it nobody is
// elected.
//
// A candidate passes when the ballots naming her reach Elect of the ballots
// cast, and, for an owners' committee, the floor area of the owners naming
// her reaches Elect of the area that voted. Of those who pass, the seats go
// in the order of the count (votes, then area for an owners' committee). A
// group tied at the last seats that does not fit in them whole takes none:
// those seats stay unfilled, for a run-off among the group.
func Tally(kind string, r Rules, seats int, cands []Candidate, rl roll, ballots []ballot) Result {
	owners := kind == KindOwnersCommittee
	res := Result{VotersTotal: rl.voters, VotersVoted: int64(len(ballots)), Elected: []string{}, Runoff: []string{}}
	if owners {
		res.AreaTotal = rl.area
	}
	idx := make(map[string]int, len(cands))
	res.Candidates = make([]CandidateResult, len(cands))
	for i, c := range cands {
		idx[c.ID] = i
		res.Candidates[i] = CandidateResult{ID: c.ID, Name: c.Name}
	}
	for _, b := range ballots {
		if owners {
			res.AreaVoted += b.area
		}
		for _, id := range b.choices {
			if i, ok := idx[id]; ok {
				res.Candidates[i].Votes++
				if owners {
					res.Candidates[i].Area += b.area
				}
			}
		}
	}
	res.QuorumMet = r.Quorum.Of(res.VotersVoted, res.VotersTotal) && (!owners || r.Quorum.Of(int64(res.AreaVoted), int64(res.AreaTotal)))
	for i := range res.Candidates {
		c := &res.Candidates[i]
		c.Passed = res.QuorumMet && r.Elect.Of(c.Votes, res.VotersVoted) && (!owners || r.Elect.Of(int64(c.Area), int64(res.AreaVoted)))
	}
	sort.SliceStable(res.Candidates, func(i, j int) bool { return ahead(res.Candidates[i], res.Candidates[j]) })
	res.SeatsUnfilled = seats
	for i := 0; i < len(res.Candidates) && res.SeatsUnfilled > 0; {
		if !res.Candidates[i].Passed {
			break
		}
		j := i + 1 // the group tied with i
		for j < len(res.Candidates) && res.Candidates[j].Passed && !ahead(res.Candidates[i], res.Candidates[j]) {
			j++
		}
		if j-i > res.SeatsUnfilled {
			for k := i; k < j; k++ {
				res.Candidates[k].Tied = true
				res.Runoff = append(res.Runoff, res.Candidates[k].ID)
			}
			break
		}
		for k := i; k < j; k++ {
			res.Candidates[k].Elected = true
			res.Elected = append(res.Elected, res.Candidates[k].ID)
		}
		res.SeatsUnfilled -= j - i
		i = j
	}
	return res
}

// ahead reports whether a comes before b in the count: passed first, then
// more votes, then more area.
func ahead(a, b CandidateResult) bool {
	if a.Passed != b.Passed {
		return a.Passed
	}
	if a.Votes != b.Votes {
		return a.Votes > b.Votes
	}
	return a.Area > b.Area
}

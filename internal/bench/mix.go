package bench

import (
	"fmt"
	"sort"
	"strings"
)

// Request kinds.
const (
	KindSubmit = "submit" // POST /api/v1/tickets as the hotline agent
	KindTicket = "ticket" // GET /api/v1/tickets/{number} as the district dispatcher
	KindInbox  = "inbox"  // GET /api/v1/tickets?limit=20[&status=dispatched] as the street handler
	KindAction = "action" // sign, contact or reply as the street handler
)

// Share is one kind's part of a mix, in percent.
type Share struct {
	Kind    string
	Percent int
}

// Mixes are the workloads. mixed is the realistic one: a 12345 centre's day
// seen from the server — people mostly read (ticket pages and inboxes), the
// hotline registers, handlers move tickets along.
var Mixes = map[string][]Share{
	"submit": {{KindSubmit, 100}},
	"read":   {{KindTicket, 50}, {KindInbox, 50}},
	"inbox":  {{KindInbox, 100}},
	"ticket": {{KindTicket, 100}},
	"mixed":  {{KindSubmit, 20}, {KindTicket, 40}, {KindInbox, 30}, {KindAction, 10}},
}

// MixNames lists the mixes, sorted.
func MixNames() string {
	names := make([]string, 0, len(Mixes))
	for n := range Mixes {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, "|")
}

// Schedule spreads a mix over a cycle of 100 requests by smooth weighted
// round-robin: every cycle holds exactly each kind's percentage, and the
// kinds are interleaved rather than bunched, so even a short run sees the mix.
func Schedule(mix []Share) ([]string, error) {
	total := 0
	for _, s := range mix {
		if s.Percent < 0 {
			return nil, fmt.Errorf("negative share for %s", s.Kind)
		}
		total += s.Percent
	}
	if total != 100 {
		return nil, fmt.Errorf("mix shares add up to %d%%, not 100%%", total)
	}
	cur := make([]int, len(mix))
	out := make([]string, 0, total)
	for range total {
		best := -1
		for i, s := range mix {
			cur[i] += s.Percent
			if best < 0 || cur[i] > cur[best] {
				best = i
			}
		}
		cur[best] -= total
		out = append(out, mix[best].Kind)
	}
	return out, nil
}

func (m mixKinds) has(kind string) bool {
	for _, k := range m {
		if k == kind {
			return true
		}
	}
	return false
}

type mixKinds []string

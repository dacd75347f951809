package ticket

// Intake is what intake chose for a ticket, told after the fact to whoever
// learns from it (the router records whether its suggestion was taken, and
// may dispatch a new ticket itself).
type Intake struct {
	Number       string
	Text         string
	AreaCode     string
	CategoryCode string // may be empty: the reporter left it to the dispatchers
	Channel      Channel
	// Dispatched is true when a person dispatched it to OrgCode; false for
	// a new ticket, whose OrgCode is the catalogue's when it routed it.
	Dispatched bool
	OrgCode    string
	Status     Status
}

// SetIntakeObserver has f told of every ticket filed and every dispatch, after
// the change is stored. f must return at once (queue the work). Call it before serving.
func (s *Service) SetIntakeObserver(f func(Intake)) { s.observe = f }

func (s *Service) observeCreated(t Ticket) {
	if s.observe != nil {
		s.observe(Intake{Number: t.Number, Text: t.Description, AreaCode: t.AreaCode, CategoryCode: t.CategoryCode,
			Channel: t.Channel, OrgCode: t.AssignedOrgCode, Status: t.Status})
	}
}

func (s *Service) observeDispatched(t Ticket) {
	if s.observe != nil {
		s.observe(Intake{Number: t.Number, Text: t.Description, AreaCode: t.AreaCode, CategoryCode: t.CategoryCode,
			Channel: t.Channel, OrgCode: t.AssignedOrgCode, Status: t.Status, Dispatched: true})
	}
}

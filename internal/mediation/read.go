package mediation

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/privacy"
)

const caseCols = `c.number, c.ticket_number, c.source, c.source_note, c.dispute_type, c.summary, c.area_code, a.name, c.committee, o.name, c.risk, c.violence,
c.leaders_told_at, c.police_referred_at, c.police_note, c.status, c.next_session_at, c.agreement, c.facts, c.content, c.performance, c.perform_by,
c.effective_on, c.confirmation_deadline, c.copies, c.committee_sealed, c.agreed_at, c.confirmation, c.confirmation_on, c.follow_up_on, c.performed,
c.followed_up_at, c.end_reason, c.routes, c.ended_at, c.created_at, c.updated_at, c.to_ticket`

const caseFrom = ` FROM mediation_cases c JOIN areas a ON a.code = c.area_code JOIN orgs o ON o.code = c.committee`

func (s *Service) scanCase(sc interface{ Scan(...any) error }) (Case, error) {
	var c Case
	var risk, status, kind string
	var told, police, next, agreed, followed, ended sql.NullInt64
	var created, updated int64
	var ag Agreement
	err := sc.Scan(&c.Number, &c.TicketNumber, &c.Source, &c.SourceNote, &c.DisputeType, &c.Summary, &c.AreaCode, &c.AreaName, &c.Committee, &c.CommitteeName,
		&risk, &c.Violence, &told, &police, &c.PoliceNote, &status, &next, &kind, &ag.Facts, &ag.Content, &ag.Performance, &ag.PerformBy,
		&ag.EffectiveOn, &ag.ConfirmationDeadline, &ag.Copies, &ag.CommitteeSealed, &agreed, &ag.Confirmation, &ag.ConfirmationOn, &ag.FollowUpOn, &ag.Performed,
		&followed, &c.EndReason, &c.Routes, &ended, &created, &updated, &c.ToTicket)
	if err != nil {
		return Case{}, err
	}
	c.Risk, c.Status = Risk(risk), Status(status)
	c.LeadersToldAt, c.PoliceReferredAt, c.NextSessionAt, c.EndedAt = s.opt(told), s.opt(police), s.opt(next), s.opt(ended)
	c.CreatedAt, c.UpdatedAt = s.at(created), s.at(updated)
	if kind != "" {
		ag.Kind = kind
		if agreed.Valid {
			ag.AgreedAt = s.at(agreed.Int64)
		}
		ag.FollowedUpAt = s.opt(followed)
		c.Agreement = &ag
	}
	c.Parties, c.Mediators, c.Sessions = []Party{}, []Mediator{}, []Session{}
	return c, nil
}

// loadQ reads the whole case.
func (s *Service) loadQ(ctx context.Context, q db.Queryer, number string) (Case, error) {
	c, err := s.scanCase(q.QueryRowContext(ctx, `SELECT `+caseCols+caseFrom+` WHERE c.number = $1`, number))
	if errors.Is(err, sql.ErrNoRows) {
		return Case{}, errNotFound
	}
	if err != nil {
		return Case{}, errs.Wrap(err, "read case")
	}
	sigs := map[[2]int]Signature{}
	rows, err := q.QueryContext(ctx, `SELECT session, party, kind, at FROM mediation_signatures WHERE case_number = $1 ORDER BY session, party`, number)
	if err != nil {
		return Case{}, errs.Wrap(err, "signatures")
	}
	for rows.Next() {
		var sess int
		var sg Signature
		var at int64
		if err := rows.Scan(&sess, &sg.Party, &sg.Kind, &at); err != nil {
			rows.Close()
			return Case{}, errs.Wrap(err, "scan signature")
		}
		sg.At = s.at(at)
		sigs[[2]int{sess, sg.Party}] = sg
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT seq, name, phone, role, address, claim, refused_at FROM mediation_parties WHERE case_number = $1 ORDER BY seq`, number)
	if err != nil {
		return Case{}, errs.Wrap(err, "parties")
	}
	for rows.Next() {
		var p Party
		var ref sql.NullInt64
		if err := rows.Scan(&p.Seq, &p.Name, &p.Phone, &p.Role, &p.Address, &p.Claim, &ref); err != nil {
			rows.Close()
			return Case{}, errs.Wrap(err, "scan party")
		}
		p.RefusedAt = s.opt(ref)
		p.Signed = sigs[[2]int{0, p.Seq}].Kind
		c.Parties = append(c.Parties, p)
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT x.member_id, m.name, x.chosen FROM mediation_mediators x JOIN mediation_members m ON m.id = x.member_id WHERE x.case_number = $1 ORDER BY m.seq, m.name`, number)
	if err != nil {
		return Case{}, errs.Wrap(err, "mediators")
	}
	for rows.Next() {
		var m Mediator
		if err := rows.Scan(&m.MemberID, &m.Name, &m.Chosen); err != nil {
			rows.Close()
			return Case{}, errs.Wrap(err, "scan mediator")
		}
		c.Mediators = append(c.Mediators, m)
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT seq, held_at, place, record FROM mediation_sessions WHERE case_number = $1 ORDER BY seq`, number)
	if err != nil {
		return Case{}, errs.Wrap(err, "sessions")
	}
	for rows.Next() {
		var x Session
		var at int64
		if err := rows.Scan(&x.Seq, &at, &x.Place, &x.Record); err != nil {
			rows.Close()
			return Case{}, errs.Wrap(err, "scan session")
		}
		x.HeldAt = s.at(at)
		x.Signed = []Signature{}
		c.Sessions = append(c.Sessions, x)
	}
	rows.Close()
	for i := range c.Sessions {
		for _, p := range c.Parties {
			if sg, ok := sigs[[2]int{c.Sessions[i].Seq, p.Seq}]; ok {
				c.Sessions[i].Signed = append(c.Sessions[i].Signed, sg)
			}
		}
	}
	return c, nil
}

// member reports whether u is a member of the committee by her account.
func memberQ(ctx context.Context, q db.Queryer, u auth.User, committee string) (bool, error) {
	if u.ID == "" || !u.Role.IsStaff() {
		return false, nil
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM mediation_members WHERE org_code = $1 AND user_id = $2 AND duty <> 'former'`, committee, u.ID).Scan(&n)
	return n > 0, errs.Wrap(err, "committee member")
}

// visibleQ reads the case for u: not found when she may not read it.
func (s *Service) visibleQ(ctx context.Context, q db.Queryer, u auth.User, number string) (Case, bool, error) {
	c, err := s.loadQ(ctx, q, strings.TrimSpace(number))
	if err != nil {
		return Case{}, false, err
	}
	member, err := memberQ(ctx, q, u, c.Committee)
	if err != nil {
		return Case{}, false, err
	}
	runs := CanRun(u, c, member)
	if !CanSee(u, c, runs, IsParty(u, c)) {
		return Case{}, false, errNotFound
	}
	return c, runs, nil
}

// Get returns the case as u may read it.
func (s *Service) Get(ctx context.Context, u auth.User, number string) (Case, error) {
	c, runs, err := s.visibleQ(ctx, s.db.R, u, number)
	if err != nil {
		return Case{}, err
	}
	return view(u, c, runs), nil
}

// view masks what the reader may not see whole.
func view(u auth.User, c Case, runs bool) Case {
	c.CanRun, c.Mine = runs, IsParty(u, c)
	if !PartyDetail(runs) {
		for i := range c.Parties {
			p := &c.Parties[i]
			if u.Role == auth.RoleResident && p.Phone == u.Phone {
				continue
			}
			p.Phone = auth.MaskPhone(p.Phone)
			p.Name = auth.MaskName(p.Name)
			p.Address = privacy.Mask(p.Address)
		}
	}
	return c
}

// Events returns the case's log, for those who mediate it.
func (s *Service) Events(ctx context.Context, u auth.User, number string) ([]Event, error) {
	c, runs, err := s.visibleQ(ctx, s.db.R, u, number)
	if err != nil {
		return nil, err
	}
	if !runs && !CanSee(u, c, false, false) {
		return nil, errs.ErrForbidden
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT seq, at, actor, kind, detail FROM mediation_events WHERE case_number = $1 ORDER BY seq`, c.Number)
	if err != nil {
		return nil, errs.Wrap(err, "case events")
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		var at int64
		var d string
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Kind, &d); err != nil {
			return nil, errs.Wrap(err, "scan event")
		}
		e.At, e.Detail = s.at(at), []byte(d)
		if len(e.Detail) == 0 {
			e.Detail = []byte("{}")
		}
		out = append(out, e)
	}
	return out, errs.Wrap(rows.Err(), "case events")
}

// Filter narrows a list of cases.
type Filter struct {
	Status string
	Risk   string
	Limit  int
}

// List returns the cases u may read, gravest risk first then latest: a
// resident's own; staff those of their area or their committee.
func (s *Service) List(ctx context.Context, u auth.User, f Filter) ([]Case, error) {
	if !CanList(u) {
		return nil, errs.ErrForbidden
	}
	if f.Limit <= 0 || f.Limit > MaxList {
		f.Limit = DefaultList
	}
	var c db.Conds
	switch {
	case u.IsAdmin():
	case u.Role == auth.RoleResident:
		c.Add(`c.number IN (SELECT case_number FROM mediation_parties WHERE phone = ` + c.Arg(u.Phone) + `)`)
	default:
		lo, hi := "", "~"
		if u.AreaCode != "" {
			lo = u.AreaCode
			hi = u.AreaCode + "~"
		} else {
			lo, hi = "~", "~"
		}
		c.Add(`((c.area_code >= ` + c.Arg(lo) + ` AND c.area_code < ` + c.Arg(hi) + `) OR c.committee = ` + c.Arg(u.OrgCode) + ` OR c.committee IN (SELECT org_code FROM mediation_members WHERE user_id = ` + c.Arg(u.ID) + ` AND duty <> 'former'))`)
	}
	if f.Status != "" {
		if f.Status == "open" {
			c.Add(`c.status IN ('accepted', 'mediating')`)
		} else {
			c.Add(`c.status = ` + c.Arg(f.Status))
		}
	}
	if f.Risk != "" {
		if !Risk(f.Risk).Valid() {
			return nil, errs.Invalidf("风险等级须为 red、orange、yellow 或 blue", "risk must be red, orange, yellow or blue")
		}
		c.Add(`c.risk = ` + c.Arg(f.Risk))
	}
	where := ""
	if len(c.Where) > 0 {
		where = " WHERE " + c.And()
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+caseCols+caseFrom+where+` ORDER BY CASE c.risk WHEN 'red' THEN 0 WHEN 'orange' THEN 1 WHEN 'yellow' THEN 2 ELSE 3 END, c.updated_at DESC, c.number LIMIT `+c.Arg(f.Limit), c.Args...)
	if err != nil {
		return nil, errs.Wrap(err, "list cases")
	}
	var out []Case
	for rows.Next() {
		x, err := s.scanCase(rows)
		if err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan case")
		}
		out = append(out, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "list cases")
	}
	res := []Case{}
	for _, x := range out {
		full, runs, err := s.visibleQ(ctx, s.db.R, u, x.Number)
		if errs.Is(err, errs.NotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		res = append(res, view(u, full, runs))
	}
	return res, nil
}

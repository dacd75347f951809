package replytpl

import (
	"context"
	"sort"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/privacy"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Rendered is a template with its text filled for one ticket.
type Rendered struct {
	Template
	// Text is what the resident will read.
	Text string `json:"text"`
	// Missing are the placeholders the ticket has no value for (left empty).
	Missing []string `json:"missing"`
}

// Templates returns the templates that apply when u replies to t, rendered
// for it: those of u's unit and t's category (or a category above it)
// first, then the category's of the district, then u's unit's for any
// category, then the district's general ones; within each, the nearer
// category first, then by name. Staff who may not read t get 403.
func (s *Service) Templates(ctx context.Context, u auth.User, t ticket.Ticket) ([]Rendered, error) {
	if !u.Role.IsStaff() || !ticket.CanView(u, t) {
		return nil, errs.ErrForbidden
	}
	unit := unitFor(u, t.AssignedOrgCode)
	chain, err := s.categoryChain(ctx, t.CategoryCode)
	if err != nil {
		return nil, err
	}
	all, err := s.query(ctx, `SELECT `+cols+` FROM reply_templates WHERE org_code IN ('', $1) ORDER BY name, id`, unit)
	if err != nil {
		return nil, err
	}
	type ranked struct {
		t          Template
		rank, near int
	}
	var list []ranked
	for _, tp := range all {
		near := 0
		if tp.CategoryCode != "" {
			if near = index(chain, tp.CategoryCode); near < 0 {
				continue // another category's
			}
		}
		rank := 3
		switch {
		case tp.OrgCode != "" && tp.CategoryCode != "":
			rank = 0
		case tp.CategoryCode != "":
			rank = 1
		case tp.OrgCode != "":
			rank = 2
		}
		list = append(list, ranked{tp, rank, near})
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].rank != list[j].rank {
			return list[i].rank < list[j].rank
		}
		return list[i].near < list[j].near
	})
	values, err := s.Values(ctx, u, t)
	if err != nil {
		return nil, err
	}
	out := make([]Rendered, len(list))
	for i, r := range list {
		out[i] = render(r.t, values)
	}
	return out, nil
}

func render(t Template, values map[string]string) Rendered {
	text, missing := Fill(t.Body, values)
	return Rendered{Template: t, Text: text, Missing: missing}
}

func index(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// ForTicket reads the ticket as u and returns it with its templates.
func (s *Service) ForTicket(ctx context.Context, u auth.User, number string) (ticket.Ticket, []Rendered, error) {
	t, err := s.tickets.Get(ctx, u, number)
	if err != nil {
		return ticket.Ticket{}, nil, err
	}
	list, err := s.Templates(ctx, u, t)
	return t, list, err
}

// categoryChain is the category's code and its ancestors', nearest first.
func (s *Service) categoryChain(ctx context.Context, code string) ([]string, error) {
	var out []string
	for code != "" && len(out) < 10 {
		c, err := s.tickets.Category(ctx, code)
		if errs.Is(err, errs.NotFound) {
			break
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c.Code)
		code = c.ParentCode
	}
	return out, nil
}

// Values are the placeholders' values for t as u replies to it. Personal
// data is as the resident may read it back in public: no phone, no full
// name, the address masked (privacy.Mask).
func (s *Service) Values(ctx context.Context, u auth.User, t ticket.Ticket) (map[string]string, error) {
	v := map[string]string{
		PNumber:     t.Number,
		PSalutation: Salutation(t.ReporterName, t.Confidential || t.ReporterMasked),
		PToday:      date(s.clock.Now()),
	}
	if !t.CreatedAt.IsZero() {
		v[PCreated] = dateTime(t.CreatedAt)
	}
	if t.DueCompleteAt != nil {
		v[PDue] = dateTime(*t.DueCompleteAt)
	}
	if t.CategoryCode != "" {
		if c, err := s.tickets.Category(ctx, t.CategoryCode); err == nil {
			v[PCategory] = c.Name
		} else if !errs.Is(err, errs.NotFound) {
			return nil, err
		}
	}
	v[PPlace] = privacy.Mask(t.Address)
	if v[PPlace] == "" && t.AreaCode != "" {
		if a, err := s.gov.Area(ctx, t.AreaCode); err == nil {
			v[PPlace] = a.Name
		} else if !errs.Is(err, errs.NotFound) {
			return nil, err
		}
	}
	unit := t.AssignedOrgCode
	if unit == "" {
		unit = u.OrgCode
	}
	if unit != "" {
		if o, err := s.gov.Org(ctx, unit); err == nil {
			v[PUnit], v[PUnitPhone] = o.Name, o.Phone
		} else if !errs.Is(err, errs.NotFound) {
			return nil, err
		}
	}
	return v, nil
}

// Example is the ticket the management page previews templates on.
func (s *Service) Example() map[string]string {
	now := s.clock.Now()
	due := now.AddDate(0, 0, 7)
	return map[string]string{
		PNumber: now.In(clock.BusinessZone()).Format("20060102") + "000123", PSalutation: "王女士/先生",
		PCreated: dateTime(now.Add(-2 * time.Hour)), PCategory: "道路破损", PPlace: "滨河街道金谷东园小区3号楼东侧",
		PUnit: "滨河街道办事处", PUnitPhone: "010-69961234", PDue: dateTime(due), PToday: date(now),
	}
}

// Preview fills body with the example's values, or reports its unknown
// placeholder.
func (s *Service) Preview(body string) (Rendered, error) {
	if err := CheckBody(body); err != nil {
		return Rendered{}, err
	}
	return render(Template{Body: body}, s.Example()), nil
}

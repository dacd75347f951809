package proposal

import (
	"context"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/agenda"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// agendaLimit is how many proposals of each role a list takes.
const agendaLimit = 50

// MineItems are the proposals u raised or co-signed, for her 我的事项.
func (s *Service) MineItems(ctx context.Context, u auth.User) ([]agenda.Item, error) {
	if u.Role != auth.RoleResident || u.Phone == "" {
		return nil, nil
	}
	page, err := s.List(ctx, u, Filter{Mine: true, Limit: agendaLimit})
	if err != nil {
		return nil, err
	}
	out := []agenda.Item{}
	for _, p := range page.Items {
		out = append(out, item(p, "raised", "/proposals/"+p.Number))
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+cols+from+` JOIN proposal_cosigns c ON c.number = p.number
WHERE c.phone = $1 ORDER BY c.at DESC LIMIT `+strconv.Itoa(agendaLimit), u.Phone)
	if err != nil {
		return nil, errs.Wrap(err, "co-signed proposals")
	}
	defer rows.Close()
	for rows.Next() {
		p, err := s.scan(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan proposal")
		}
		out = append(out, item(p, "cosigned", "/proposals/"+p.Number))
	}
	return out, errs.Wrap(rows.Err(), "co-signed proposals")
}

// TodoItems are the proposals u's organisation must answer or report
// progress on, for her 待办.
func (s *Service) TodoItems(ctx context.Context, u auth.User) ([]agenda.Item, error) {
	if !CanSeeDue(u) || u.IsAdmin() {
		return nil, nil
	}
	page, err := s.List(ctx, u, Filter{Due: true, Limit: agendaLimit})
	if err != nil {
		return nil, err
	}
	out := []agenda.Item{}
	for _, p := range page.Items {
		it := item(p, "answer", "/staff/proposals/"+p.Number)
		it.NeedsAction, it.Due = true, p.AnswerDue
		out = append(out, it)
	}
	return out, nil
}

func item(p Proposal, role, url string) agenda.Item {
	return agenda.Item{Kind: "proposal", Ref: p.Number, Title: p.Title, Status: string(p.Status), Role: role, URL: url, At: p.UpdatedAt}
}

package proposal

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// New is what a resident gives to raise a proposal.
type New struct {
	Level    gov.Level `json:"level"`
	AreaCode string    `json:"area_code"`
	Title    string    `json:"title"`
	Body     string    `json:"body"`
	Tickets  []string  `json:"tickets"`
	// Visibility is residents (the default) or public.
	Visibility disclosure.Level `json:"visibility"`
	// OnBehalfOf is the phone of the resident for whom staff raise it.
	OnBehalfOf string `json:"on_behalf_of"`
	// Theme is the monthly theme it is made from, set only by the themes
	// capability (FromTheme), never from a request's body.
	Theme string `json:"-"`
}

// TicketReader tells the reporter's phone of a ticket u may read (an error
// when she may not): how a proposal checks the tickets it links, through the
// ticket capability.
type TicketReader func(ctx context.Context, u auth.User, number string) (reporterPhone string, err error)

// SetTicketReader sets how linked tickets are checked; without one a
// proposal links no ticket.
func (s *Service) SetTicketReader(r TicketReader) { s.tickets = r }

func (n *New) check() error {
	n.Title, n.Body = strings.TrimSpace(plaintext.Clean(n.Title)), strings.TrimSpace(plaintext.Clean(n.Body))
	if !ValidLevel(n.Level) {
		return errs.Invalidf("提案层级应为 courtyard、community、street 或 district", "level must be courtyard, community, street or district")
	}
	if !gov.ValidCode(n.AreaCode) {
		return errArea
	}
	if n.Title == "" || utf8.RuneCountInString(n.Title) > MaxTitle || strings.ContainsAny(n.Title, "\r\n") {
		return errs.Invalidf("标题不能为空，不超过%d字，且只占一行", "the title must be 1 to %d characters on one line", MaxTitle)
	}
	if n.Body == "" || utf8.RuneCountInString(n.Body) > MaxBody {
		return errs.Invalidf("提案内容不能为空且不超过%d字", "the text must be 1 to %d characters", MaxBody)
	}
	if err := disclosure.Check(&n.Visibility, disclosure.Residents); err != nil {
		return err
	}
	if n.Visibility != disclosure.Residents && n.Visibility != disclosure.Public {
		return errs.Invalidf("提案的公开范围须为 residents（本区域居民）或 public（公开）", "a proposal's visibility must be residents or public")
	}
	n.Theme = strings.TrimSpace(plaintext.Clean(n.Theme))
	if utf8.RuneCountInString(n.Theme) > MaxTitle+8 || strings.ContainsAny(n.Theme, "\r\n") {
		return errs.Invalidf("每月一题的名称过长", "the theme's name is too long")
	}
	if len(n.Tickets) > MaxTickets {
		return errs.Invalidf("最多关联%d件工单", "at most %d tickets", MaxTickets)
	}
	seen := map[string]bool{}
	for _, t := range n.Tickets {
		if len(t) != 14 || strings.Trim(t, "0123456789") != "" || seen[t] {
			return errs.Invalidf("工单编号不正确：%q", "malformed ticket number: %q", t)
		}
		seen[t] = true
	}
	return nil
}

// Create raises a proposal. It collects co-signatures until CollectUntil.
func (s *Service) Create(ctx context.Context, u auth.User, n New) (Proposal, error) {
	disclosure.Fill(ctx, s.db.R, &n.Visibility, "proposal", disclosure.Residents)
	if err := n.check(); err != nil {
		return Proposal{}, err
	}
	r, err := forResident(u, n.OnBehalfOf)
	if err != nil {
		return Proposal{}, err
	}
	if n.OnBehalfOf != "" {
		n.OnBehalfOf = r.Phone // as stored
	}
	if r.Role != auth.RoleResident {
		return Proposal{}, errs.New(errs.Forbidden, "只有居民可以提出提案", "only residents raise proposals")
	}
	for _, t := range n.Tickets {
		if err := s.checkTicket(ctx, u, t); err != nil {
			return Proposal{}, err
		}
	}
	var number string
	for try := 0; try < 4; try++ {
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			var err error
			number, err = s.insert(ctx, tx, u, r, n)
			return err
		})
		if !db.IsUnique(err) {
			if err != nil {
				return Proposal{}, err
			}
			return s.Get(ctx, u, number)
		}
	}
	return Proposal{}, errs.Conflictf("提案编号冲突，请重试", "proposal number taken; try again")
}

func (s *Service) checkTicket(ctx context.Context, u auth.User, number string) error {
	bad := errs.Invalidf("只能关联本人反映的工单：%s", "only your own tickets may be linked: %s", number)
	if s.tickets == nil {
		return bad
	}
	phone, err := s.tickets(ctx, u, number)
	if err != nil || !CanLinkTicket(u, phone) {
		return bad
	}
	return nil
}

func (s *Service) insert(ctx context.Context, tx *sql.Tx, actor, u auth.User, n New) (string, error) {
	area, err := gov.AreaQ(ctx, tx, n.AreaCode)
	if err != nil {
		return "", err
	}
	if area.Level != n.Level {
		return "", errs.Invalidf("区划 %s 不是%s级", "area %s is not of level %s", area.Code, n.Level)
	}
	resident, err := livesIn(ctx, tx, u.Phone, area.Code)
	if err != nil {
		return "", err
	}
	if !CanRaise(u, resident) {
		return "", errs.New(errs.Forbidden, "只有本区域的居民可以在此提出提案", "only residents of the area raise proposals there")
	}
	if actor.Role.IsStaff() && !CanActFor(actor, area.Code) {
		return "", errs.New(errs.Forbidden, "只能为您辖区内的居民代为提出", "you act for residents of your area only")
	}
	var collecting int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM proposals WHERE proposer_phone = $1 AND status = $2`, u.Phone, string(StatusCollecting)).Scan(&collecting); err != nil {
		return "", errs.Wrap(err, "count proposals")
	}
	if collecting >= MaxCollecting {
		return "", errs.New(errs.Conflict, fmt.Sprintf("您已有%d件提案正在征集附议，请待其结束后再提", MaxCollecting),
			fmt.Sprintf("you already have %d proposals collecting co-signatures; raise more when one has ended", MaxCollecting))
	}
	now := s.clock.Now()
	number, err := nextNumber(ctx, tx, now.In(s.loc))
	if err != nil {
		return "", err
	}
	until := now.AddDate(0, 0, s.rules.CollectDays)
	_, err = tx.ExecContext(ctx, `INSERT INTO proposals (number, level, area_code, origin_area_code, title, body, proposer_phone, status,
population, threshold, cosigns, collect_until, tickets, created_at, updated_at, visibility, theme) VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11, $12, $12, $13, $14)`,
		number, string(n.Level), area.Code, n.Title, n.Body, u.Phone, string(StatusCollecting), area.Population,
		s.rules.Threshold(n.Level, area.Population), db.Millis(until), strings.Join(n.Tickets, ","), db.Millis(now), string(n.Visibility), n.Theme)
	if err != nil {
		return "", errs.Wrap(db.MapError(err), "insert proposal")
	}
	ev := Event{Kind: "create", ToStatus: StatusCollecting, Level: n.Level, AreaCode: area.Code, Text: n.Title, onBehalf: n.OnBehalfOf}
	return number, s.event(ctx, tx, number, actor, now, ev)
}

// nextNumber is TA, the business date and a four-digit sequence of the day:
// TA202612030001.
func nextNumber(ctx context.Context, tx *sql.Tx, now time.Time) (string, error) {
	return db.NextDayNumber(ctx, tx, "proposals", "number", "TA", now, [2]string{"提案", "proposals"})
}

// event appends a line to the proposal's history in the caller's transaction.
func (s *Service) event(ctx context.Context, tx *sql.Tx, number string, u auth.User, now time.Time, e Event) error {
	seq, err := db.NextSeq(ctx, tx, "proposal_events", "number", number)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO proposal_events (id, number, seq, at, actor_id, kind, from_status, to_status, level, area_code, org_code, late, percent, text, on_behalf)
VALUES ($1, $2, $15, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`, db.NewID(), number, db.Millis(now), u.ID, e.Kind, string(e.FromStatus), string(e.ToStatus),
		string(e.Level), e.AreaCode, e.OrgCode, e.Late, e.Percent, e.Text, e.onBehalf, seq)
	return errs.Wrap(err, "proposal event")
}

// notify records a notification for a resident's phone or an organisation,
// in the notifications the ticket capability delivers and lists.
func (s *Service) notify(ctx context.Context, tx *sql.Tx, now time.Time, phone, org, text string) error {
	if phone == "" && org == "" {
		return nil
	}
	return db.Notify(ctx, tx, db.Note{At: now, OrgCode: org, Phone: phone, Kind: "proposal", Text: text})
}

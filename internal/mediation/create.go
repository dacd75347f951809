package mediation

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/plaintext"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// New is what it takes to open a case.
type New struct {
	Source      string     `json:"source"`
	SourceNote  string     `json:"source_note"` // who referred it: the police station, the court
	DisputeType string     `json:"dispute_type"`
	Summary     string     `json:"summary"`
	AreaCode    string     `json:"area_code"`
	Committee   string     `json:"committee"` // the committee; "" the nearest one above the area
	Parties     []NewParty `json:"parties"`
	Risk        Risk       `json:"risk"`
	Violence    bool       `json:"violence"` // violence threatens (red only)
	// Chosen are the committee members the parties chose as mediators
	// (member IDs); otherwise the committee assigns them.
	Chosen []string `json:"chosen_mediators"`
}

// NewParty is one party as the case opens.
type NewParty struct {
	Name    string `json:"name"`
	Phone   string `json:"phone"`
	Role    string `json:"role"`
	Address string `json:"address"`
	Claim   string `json:"claim"`
}

func oneLine(s *string, max int, zh, en string) error {
	*s = strings.TrimSpace(plaintext.Clean(*s))
	if *s == "" || utf8.RuneCountInString(*s) > max || strings.ContainsAny(*s, "\r\n") {
		return errs.New(errs.Invalid, fmt.Sprintf("%s不能为空，不超过%d字，且只占一行", zh, max), fmt.Sprintf("%s must be 1 to %d characters on one line", en, max))
	}
	return nil
}

func text(s *string, min bool, max int, zh, en string) error {
	*s = strings.TrimSpace(plaintext.Clean(*s))
	if (min && *s == "") || utf8.RuneCountInString(*s) > max {
		if min {
			return errs.New(errs.Invalid, fmt.Sprintf("%s不能为空，不超过%d字", zh, max), fmt.Sprintf("%s must be 1 to %d characters", en, max))
		}
		return errs.New(errs.Invalid, fmt.Sprintf("%s不超过%d字", zh, max), fmt.Sprintf("%s must be at most %d characters", en, max))
	}
	return nil
}

func validSource(x string) bool {
	for _, s := range Sources {
		if s == x {
			return true
		}
	}
	return false
}

// ValidDisputeType reports whether t is a dispute type.
func ValidDisputeType(t string) bool {
	for _, x := range DisputeTypes {
		if x == t {
			return true
		}
	}
	return false
}

func (n *New) check() error {
	n.AreaCode = strings.TrimSpace(n.AreaCode)
	if !gov.ValidCode(n.AreaCode) {
		return errArea
	}
	if !validSource(n.Source) {
		return errs.Invalidf("案件来源须为 application、initiative、police、court 或 hotline", "source must be application, initiative, police, court or hotline")
	}
	if !ValidDisputeType(n.DisputeType) {
		return errs.Invalidf("纠纷类型不正确", "unknown dispute type")
	}
	if n.Risk == "" {
		n.Risk = RiskBlue
	}
	if !n.Risk.Valid() {
		return errs.Invalidf("风险等级须为 red、orange、yellow 或 blue", "risk must be red, orange, yellow or blue")
	}
	if n.Violence && n.Risk != RiskRed {
		return errs.Invalidf("有暴力倾向的纠纷应评为红色", "a dispute where violence threatens is graded red")
	}
	if err := text(&n.Summary, true, MaxSummary, "纠纷简要情况", "the summary"); err != nil {
		return err
	}
	if err := text(&n.SourceNote, false, MaxNote, "移送说明", "the referral note"); err != nil {
		return err
	}
	if len(n.Parties) < 2 || len(n.Parties) > MaxParties {
		return errs.Invalidf("当事人须有2到%d人", "a case has 2 to %d parties", MaxParties)
	}
	var app, resp int
	seen := map[string]bool{}
	for i := range n.Parties {
		p := &n.Parties[i]
		if err := oneLine(&p.Name, MaxName, fmt.Sprintf("第%d位当事人的姓名", i+1), fmt.Sprintf("party %d's name", i+1)); err != nil {
			return err
		}
		if p.Phone = strings.TrimSpace(p.Phone); p.Phone != "" {
			p.Phone = auth.NormalizePhone(p.Phone)
			if !auth.ValidPhone(p.Phone) {
				return errs.Invalidf("第%d位当事人的手机号格式不正确", "party %d: malformed phone", i+1)
			}
			if seen[p.Phone] {
				return errs.Invalidf("第%d位当事人的手机号与前面的重复", "party %d: the phone repeats another party's", i+1)
			}
			seen[p.Phone] = true
		}
		switch p.Role {
		case RoleApplicant:
			app++
		case RoleRespondent:
			resp++
		default:
			return errs.Invalidf("第%d位当事人的身份须为 applicant 或 respondent", "party %d: role must be applicant or respondent", i+1)
		}
		if err := text(&p.Address, false, MaxAddress, fmt.Sprintf("第%d位当事人的住址", i+1), fmt.Sprintf("party %d's address", i+1)); err != nil {
			return err
		}
		if err := text(&p.Claim, false, MaxClaim, fmt.Sprintf("第%d位当事人的请求", i+1), fmt.Sprintf("party %d's claim", i+1)); err != nil {
			return err
		}
	}
	if app == 0 || resp == 0 {
		return errs.Invalidf("当事人须有申请人和被申请人", "a case has an applicant and a respondent")
	}
	return nil
}

// Submit takes a case as the API's one route does: a resident applies for
// her own dispute (Apply); staff open a case (Create).
func (s *Service) Submit(ctx context.Context, u auth.User, n New) (Case, error) {
	if u.Role == auth.RoleResident {
		return s.Apply(ctx, u, n)
	}
	return s.Create(ctx, u, n)
}

// Create opens a case: by staff, from any source.
func (s *Service) Create(ctx context.Context, u auth.User, n New) (Case, error) {
	if err := n.check(); err != nil {
		return Case{}, err
	}
	if !CanOpen(u, n.AreaCode) {
		return Case{}, errs.New(errs.Forbidden, "只有本辖区的工作人员可以登记调解案件", "only the staff of the area open mediation cases")
	}
	return s.open(ctx, u, n, "")
}

// Apply is a resident's application for mediation of her own dispute: she
// is its first party, an applicant, by her verified phone.
func (s *Service) Apply(ctx context.Context, u auth.User, n New) (Case, error) {
	if !CanApply(u) {
		return Case{}, errs.New(errs.Forbidden, "请先用手机号登录再申请调解", "sign in with your phone to apply for mediation")
	}
	n.Source, n.SourceNote, n.Violence, n.Risk = SourceApplication, "", false, RiskBlue
	if len(n.Parties) > 0 {
		n.Parties[0].Phone, n.Parties[0].Role = u.Phone, RoleApplicant
	}
	if err := n.check(); err != nil {
		return Case{}, err
	}
	var open int
	if err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM mediation_parties p JOIN mediation_cases c ON c.number = p.case_number
WHERE p.phone = $1 AND p.role = $2 AND c.source = $3 AND c.status IN ($4, $5)`, u.Phone, RoleApplicant, SourceApplication, string(StatusAccepted), string(StatusMediating)).Scan(&open); err != nil {
		return Case{}, errs.Wrap(err, "count applications")
	}
	if open >= MaxOpenApplications {
		return Case{}, errs.Conflictf("您已有%d件调解申请正在办理，请待其结束后再申请", "you have %d applications for mediation under way; apply again when one has ended", MaxOpenApplications)
	}
	return s.open(ctx, u, n, "")
}

// FromTicket opens a case from a ticket the staff judge a dispute (of any
// category): the case keeps the ticket's number and the ticket gets a note
// naming it, by the ticket's own action (close, else remind or contact —
// the first the staff member may take), so the ticket's history tells
// where it went.
func (s *Service) FromTicket(ctx context.Context, u auth.User, number string, n New) (Case, error) {
	if s.tickets == nil {
		return Case{}, errs.New(errs.Unavailable, "本系统未连接工单", "tickets are not connected")
	}
	t, err := s.tickets.Get(ctx, u, number)
	if err != nil {
		return Case{}, err
	}
	if n.AreaCode == "" {
		n.AreaCode = t.AreaCode
	}
	if n.Summary == "" {
		n.Summary = t.Description
	}
	if n.Source == "" {
		n.Source = SourceHotline
	}
	if err := n.check(); err != nil {
		return Case{}, err
	}
	if !CanOpen(u, n.AreaCode) {
		return Case{}, errs.New(errs.Forbidden, "只有本辖区的工作人员可以登记调解案件", "only the staff of the area open mediation cases")
	}
	action := ""
	avail := map[string]bool{}
	for _, a := range ticket.AvailableActions(u, t) {
		avail[a] = true
	}
	for _, a := range []string{ticket.ActionClose, ticket.ActionRemind, ticket.ActionContact} {
		if avail[a] {
			action = a
			break
		}
	}
	if action == "" {
		return Case{}, errs.New(errs.Forbidden, "您不能在该工单上记录转入调解", "you may not note the transfer to mediation on this ticket")
	}
	c, err := s.open(ctx, u, n, t.Number)
	if err != nil {
		return Case{}, err
	}
	_, err = s.tickets.Act(ctx, u, t.Number, action, ticket.ActionInput{Note: fmt.Sprintf("已转人民调解，调解案件编号 %s（%s）。", c.Number, c.CommitteeName)})
	if err != nil {
		return c, errs.Wrap(err, "note the case on the ticket")
	}
	return c, nil
}

// open writes the case; ticketNumber, when given, is its number.
func (s *Service) open(ctx context.Context, u auth.User, n New, ticketNumber string) (Case, error) {
	now := s.clock.Now()
	var number string
	for try := 0; try < 4; try++ {
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			var err error
			number, err = s.insert(ctx, tx, u, n, ticketNumber, now)
			return err
		})
		if !db.IsUnique(err) {
			if err != nil {
				return Case{}, err
			}
			return s.Get(ctx, u, number)
		}
		if ticketNumber != "" {
			return Case{}, errs.Conflictf("工单 %s 已转为调解案件", "ticket %s is a mediation case already", ticketNumber)
		}
	}
	return Case{}, errs.Conflictf("案件编号冲突，请重试", "case number taken; try again")
}

func (s *Service) insert(ctx context.Context, tx *sql.Tx, u auth.User, n New, ticketNumber string, now time.Time) (string, error) {
	area, err := gov.AreaQ(ctx, tx, n.AreaCode)
	if errs.Is(err, errs.NotFound) {
		return "", errs.Invalidf("区划 %s 不存在", "area %s does not exist", n.AreaCode)
	}
	if err != nil {
		return "", err
	}
	com, err := s.committeeFor(ctx, tx, area.Code, n.Committee)
	if err != nil {
		return "", err
	}
	number := ticketNumber
	if number == "" {
		if number, err = db.NextDayNumber(ctx, tx, "mediation_cases", "number", "TJ", now.In(s.loc), [2]string{"调解案件", "mediation cases"}); err != nil {
			return "", err
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO mediation_cases (number, ticket_number, source, source_note, dispute_type, summary, area_code, committee, risk, violence, status, created_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)`,
		number, ticketNumber, n.Source, n.SourceNote, n.DisputeType, n.Summary, area.Code, com.Code, string(n.Risk), n.Violence, string(StatusAccepted), u.ID, db.Millis(now))
	if err != nil {
		return "", errs.Wrap(db.MapError(err), "insert case")
	}
	for i, p := range n.Parties {
		if _, err := tx.ExecContext(ctx, `INSERT INTO mediation_parties (case_number, seq, name, phone, role, address, claim) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			number, i+1, p.Name, p.Phone, p.Role, p.Address, p.Claim); err != nil {
			return "", errs.Wrap(err, "insert party")
		}
	}
	detail := map[string]any{"source": n.Source, "dispute_type": n.DisputeType, "area_code": area.Code, "committee": com.Code, "risk": n.Risk, "parties": len(n.Parties)}
	if ticketNumber != "" {
		detail["ticket_number"] = ticketNumber
	}
	if err := s.event(ctx, tx, number, u, "open", detail, now); err != nil {
		return "", err
	}
	if len(n.Chosen) > 0 {
		if err := s.setMediators(ctx, tx, u, number, com, n.Chosen, true, now); err != nil {
			return "", err
		}
	}
	if n.Risk == RiskRed {
		if err := s.escalate(ctx, tx, u, number, area.Code, n.DisputeType, n.Violence, now); err != nil {
			return "", err
		}
	}
	return number, s.notify(ctx, tx, now, notice{org: com.Code, text: fmt.Sprintf("新的调解案件 %s（%s，%s）已登记，请受理。", number, DisputeTypeNames[n.DisputeType], area.Name)})
}

// committeeFor is the named committee, or the committee of the area or the
// nearest area above it; it must have 3 to 9 members.
func (s *Service) committeeFor(ctx context.Context, tx *sql.Tx, areaCode, code string) (Committee, error) {
	if code == "" {
		err := tx.QueryRowContext(ctx, `SELECT code FROM orgs WHERE kind = $1 AND $2 >= area_code AND $2 < area_code || '~' ORDER BY LENGTH(area_code) DESC, code LIMIT 1`,
			string(gov.KindMediationCommittee), areaCode).Scan(&code)
		if err == sql.ErrNoRows {
			return Committee{}, errs.Invalidf("本辖区尚无人民调解委员会", "no mediation committee serves this area")
		}
		if err != nil {
			return Committee{}, errs.Wrap(err, "find committee")
		}
	}
	c, err := committeeQ(ctx, tx, code)
	if err != nil {
		return Committee{}, err
	}
	if !c.Complete() {
		return Committee{}, errs.Conflictf("人民调解委员会「%s」的委员须为三至九人，现为%d人，暂不能受理案件", "the committee %s must have 3 to 9 members (it has %d) to take cases", c.Name, len(c.Members))
	}
	return c, nil
}

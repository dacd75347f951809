package proposal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// Decisions of an answer.
const (
	Adopt    = "adopt"
	Reject   = "reject"
	Escalate = "escalate"
)

var errState = errs.Conflictf("提案当前状态不允许此操作", "the proposal's status does not allow this")

// Cosign adds u's co-signature; reaching the threshold accepts the proposal.
func (s *Service) Cosign(ctx context.Context, u auth.User, number string) (Proposal, error) {
	return s.cosign(ctx, u, u, number)
}

// CosignFor adds the co-signature of the resident with the phone, entered
// by staff u for her (CanActFor), and records it as such; with no phone it
// is u's own (Cosign).
func (s *Service) CosignFor(ctx context.Context, u auth.User, number, phone string) (Proposal, error) {
	if phone == "" {
		return s.Cosign(ctx, u, number)
	}
	r, err := forResident(u, phone)
	if err != nil {
		return Proposal{}, err
	}
	return s.cosign(ctx, u, r, number)
}

// cosign adds the co-signature of resident u, entered by actor (u herself,
// or staff acting for her).
func (s *Service) cosign(ctx context.Context, actor, u auth.User, number string) (Proposal, error) {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		p, err := s.read(ctx, tx, number)
		if err != nil {
			return err
		}
		if actor.ID != u.ID && !CanActFor(actor, p.AreaCode) {
			return errNotFound
		}
		resident := false
		if u.Role == auth.RoleResident {
			if resident, err = livesIn(ctx, tx, u.Phone, p.AreaCode); err != nil {
				return err
			}
		}
		p = s.fill(ctx, tx, u, p)
		switch {
		case p.Mine:
			return errs.Conflictf("不能附议自己的提案", "you cannot co-sign your own proposal")
		case p.Cosigned:
			return errs.Conflictf("您已附议过此提案", "you have already co-signed this proposal")
		case u.Role != auth.RoleResident || !resident:
			return errs.New(errs.Forbidden, "只有本区域的居民可以附议", "only residents of the area co-sign")
		case !CanCosign(u, p, resident):
			return errState
		}
		now := s.clock.Now()
		if !now.Before(p.CollectUntil) {
			return errs.Conflictf("附议期已结束", "co-signing has ended")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO proposal_cosigns (number, phone, at) VALUES ($1, $2, $3)`, number, u.Phone, db.Millis(now)); err != nil {
			if db.IsUnique(db.MapError(err)) {
				return errs.Conflictf("您已附议过此提案", "you have already co-signed this proposal")
			}
			return errs.Wrap(err, "cosign")
		}
		var n, threshold int64
		err = tx.QueryRowContext(ctx, `UPDATE proposals SET cosigns = cosigns + 1, updated_at = $2 WHERE number = $1 AND status = 'collecting' RETURNING cosigns, threshold`,
			number, db.Millis(now)).Scan(&n, &threshold)
		if errors.Is(err, sql.ErrNoRows) { // accepted by a co-signature that committed first
			return errState
		}
		if err != nil {
			return errs.Wrap(err, "count cosign")
		}
		ev := Event{Kind: "cosign", Percent: n}
		if actor.ID != u.ID {
			ev.onBehalf = u.Phone
		}
		if err := s.event(ctx, tx, number, actor, now, ev); err != nil {
			return err
		}
		if n >= threshold {
			return s.accept(ctx, tx, p, now)
		}
		return nil
	})
	if err != nil {
		return Proposal{}, err
	}
	return s.after(ctx, u, number)
}

// accept makes a proposal that reached its threshold due for an answer by
// its level's responsible organisation.
func (s *Service) accept(ctx context.Context, tx *sql.Tx, p Proposal, now time.Time) error {
	area, err := gov.AreaQ(ctx, tx, p.AreaCode)
	if err != nil {
		return err
	}
	org, err := responsibleOrg(ctx, tx, p.Level, area)
	if err != nil {
		return err
	}
	due := s.cal.AddWorkingDays(now, s.rules.AnswerDays)
	_, err = tx.ExecContext(ctx, `UPDATE proposals SET status = 'accepted', org_code = $2, accepted_at = $3, answer_due = $4, updated_at = $3 WHERE number = $1`,
		p.Number, org, db.Millis(now), db.Millis(due))
	if err != nil {
		return errs.Wrap(err, "accept proposal")
	}
	ev := Event{Kind: "accept", FromStatus: StatusCollecting, ToStatus: StatusAccepted, Level: p.Level, AreaCode: p.AreaCode, OrgCode: org}
	if err := s.event(ctx, tx, p.Number, auth.System(), now, ev); err != nil {
		return err
	}
	when := due.In(s.loc).Format("2006-01-02 15:04")
	if err := s.notify(ctx, tx, now, p.proposerPhone, "", fmt.Sprintf("您的提案「%s」（%s）附议已达%d人，已受理，将于%s前答复。", p.Title, p.Number, p.Threshold, when)); err != nil {
		return err
	}
	return s.notify(ctx, tx, now, "", org, fmt.Sprintf("居民提案「%s」（%s）已受理，请于%s前答复。", p.Title, p.Number, when))
}

// Answer is the responsible organisation's answer.
type Answer struct {
	Decision string `json:"decision"`
	Text     string `json:"text"`
}

func (a *Answer) check() error {
	a.Text = strings.TrimSpace(plaintext.Clean(a.Text))
	if a.Decision != Adopt && a.Decision != Reject && a.Decision != Escalate {
		return errs.Invalidf("答复应为 adopt、reject 或 escalate", "decision must be adopt, reject or escalate")
	}
	if a.Text == "" || utf8.RuneCountInString(a.Text) > MaxAnswer {
		return errs.Invalidf("答复内容（理由）不能为空且不超过%d字", "the answer (its reasons) must be 1 to %d characters", MaxAnswer)
	}
	return nil
}

// Answer records the answer: adopt (then progress), reject, or escalate to
// the level above, whose organisation must answer within a new time limit.
// An answer after its due time is marked late.
func (s *Service) Answer(ctx context.Context, u auth.User, number string, a Answer) (Proposal, error) {
	if err := a.check(); err != nil {
		return Proposal{}, err
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		p, _, err := s.visible(ctx, tx, u, number)
		if err != nil {
			return err
		}
		if !ofResponsible(u, p) {
			return errs.ErrForbidden
		}
		if !CanAnswer(u, p) {
			return errState
		}
		now := s.clock.Now()
		late := p.AnswerDue != nil && now.After(*p.AnswerDue)
		ev := Event{Kind: "answer", FromStatus: p.Status, Level: p.Level, AreaCode: p.AreaCode, OrgCode: p.OrgCode, Late: late, Text: a.Text}
		switch a.Decision {
		case Escalate:
			return s.escalate(ctx, tx, u, p, now, ev)
		case Adopt:
			ev.ToStatus = StatusAdopted
		default:
			ev.ToStatus = StatusRejected
		}
		_, err = tx.ExecContext(ctx, `UPDATE proposals SET status = $2, answered_at = $3, answered_late = $4, answer_text = $5, updated_at = $3 WHERE number = $1`,
			number, string(ev.ToStatus), db.Millis(now), late, a.Text)
		if err != nil {
			return errs.Wrap(err, "answer proposal")
		}
		if err := s.event(ctx, tx, number, u, now, ev); err != nil {
			return err
		}
		word := map[Status]string{StatusAdopted: "已采纳", StatusRejected: "不予采纳"}[ev.ToStatus]
		return s.notify(ctx, tx, now, p.proposerPhone, "", fmt.Sprintf("您的提案「%s」（%s）%s：%s", p.Title, p.Number, word, a.Text))
	})
	if err != nil {
		return Proposal{}, err
	}
	return s.after(ctx, u, number)
}

// escalate moves the proposal to the level above; the district's cannot.
func (s *Service) escalate(ctx context.Context, tx *sql.Tx, u auth.User, p Proposal, now time.Time, ev Event) error {
	up, ok := nextLevel(p.Level)
	if !ok {
		return errs.Conflictf("区级提案不能再提级", "a district proposal cannot be escalated")
	}
	area, err := gov.AreaQ(ctx, tx, p.AreaCode)
	if err != nil {
		return err
	}
	upper, err := upperArea(ctx, tx, area, up)
	if err != nil {
		return err
	}
	org, err := responsibleOrg(ctx, tx, up, upper)
	if err != nil {
		return err
	}
	due := s.cal.AddWorkingDays(now, s.rules.AnswerDays)
	_, err = tx.ExecContext(ctx, `UPDATE proposals SET status = 'escalated', level = $2, area_code = $3, org_code = $4, answer_due = $5,
answered_at = $6, answered_late = $7, answer_text = $8, updated_at = $6 WHERE number = $1`,
		p.Number, string(up), upper.Code, org, db.Millis(due), db.Millis(now), ev.Late, ev.Text)
	if err != nil {
		return errs.Wrap(err, "escalate proposal")
	}
	ev.ToStatus = StatusEscalated
	if err := s.event(ctx, tx, p.Number, u, now, ev); err != nil {
		return err
	}
	move := Event{Kind: "escalate", FromStatus: p.Status, ToStatus: StatusEscalated, Level: up, AreaCode: upper.Code, OrgCode: org}
	if err := s.event(ctx, tx, p.Number, u, now, move); err != nil {
		return err
	}
	when := due.In(s.loc).Format("2006-01-02 15:04")
	if err := s.notify(ctx, tx, now, p.proposerPhone, "", fmt.Sprintf("您的提案「%s」（%s）已提交%s研究，将于%s前答复。", p.Title, p.Number, upper.Name, when)); err != nil {
		return err
	}
	return s.notify(ctx, tx, now, "", org, fmt.Sprintf("居民提案「%s」（%s）已提级至%s，请于%s前答复。", p.Title, p.Number, upper.Name, when))
}

// Progress is a report on an adopted proposal.
type Progress struct {
	Text    string `json:"text"`
	Percent int64  `json:"percent"`
	Done    bool   `json:"done"`
}

// ReportProgress records progress; Done completes the proposal.
func (s *Service) ReportProgress(ctx context.Context, u auth.User, number string, pr Progress) (Proposal, error) {
	pr.Text = strings.TrimSpace(plaintext.Clean(pr.Text))
	if pr.Text == "" || utf8.RuneCountInString(pr.Text) > MaxAnswer {
		return Proposal{}, errs.Invalidf("进展说明不能为空且不超过%d字", "the text must be 1 to %d characters", MaxAnswer)
	}
	if pr.Percent < 0 || pr.Percent > 100 {
		return Proposal{}, errs.Invalidf("进度应为0到100", "percent must be 0 to 100")
	}
	if pr.Done {
		pr.Percent = 100
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		p, _, err := s.visible(ctx, tx, u, number)
		if err != nil {
			return err
		}
		if !ofResponsible(u, p) {
			return errs.ErrForbidden
		}
		if !CanProgress(u, p) {
			return errState
		}
		now := s.clock.Now()
		to := StatusAdopted
		if pr.Done {
			to = StatusDone
		}
		if _, err := tx.ExecContext(ctx, `UPDATE proposals SET status = $2, progress = $3, updated_at = $4 WHERE number = $1`,
			number, string(to), pr.Percent, db.Millis(now)); err != nil {
			return errs.Wrap(err, "proposal progress")
		}
		ev := Event{Kind: "progress", FromStatus: p.Status, ToStatus: to, Level: p.Level, AreaCode: p.AreaCode, OrgCode: p.OrgCode, Percent: pr.Percent, Text: pr.Text}
		if err := s.event(ctx, tx, number, u, now, ev); err != nil {
			return err
		}
		if !pr.Done {
			return nil
		}
		return s.notify(ctx, tx, now, p.proposerPhone, "", fmt.Sprintf("您的提案「%s」（%s）已办结：%s", p.Title, p.Number, pr.Text))
	})
	if err != nil {
		return Proposal{}, err
	}
	return s.after(ctx, u, number)
}

// after reads the proposal for the one who just changed it, who may no
// longer see it (an escalation moves it out of the answering staff's area).
func (s *Service) after(ctx context.Context, u auth.User, number string) (Proposal, error) {
	p, err := s.read(ctx, s.db.R, number)
	if err != nil {
		return Proposal{}, err
	}
	return s.fill(ctx, s.db.R, u, p), nil
}

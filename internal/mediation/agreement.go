package mediation

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// DateLayout is how dates of agreements are written.
const DateLayout = "2006-01-02"

// ConfirmationDeadline is the last day of the window to apply jointly to a
// court for judicial confirmation: the agreement's effective date plus 30
// calendar days.
func ConfirmationDeadline(effectiveOn string) (string, error) {
	d, err := time.Parse(DateLayout, strings.TrimSpace(effectiveOn))
	if err != nil {
		return "", errs.Invalidf("日期须写作 YYYY-MM-DD", "a date is written YYYY-MM-DD")
	}
	return d.AddDate(0, 0, ConfirmationDays).Format(DateLayout), nil
}

// NewAgreement is the mediation agreement as the mediator records it.
type NewAgreement struct {
	Kind        string `json:"kind"`        // written (default) or verbal
	Facts       string `json:"facts"`       // the main facts and the dispute; the case's summary when empty
	Content     string `json:"content"`     // what the parties agreed
	Performance string `json:"performance"` // the way and the time of performance
	PerformBy   string `json:"perform_by"`  // YYYY-MM-DD, optional
	EffectiveOn string `json:"effective_on"`
}

// Agree records the agreement the parties reached. A written one
// (调解协议书) holds the parties' details, the facts, the content with the
// way and time of performance; the parties sign it (recorded in person
// here; an image may replace each by Sign), the mediators sign it and the
// committee seals it; there is one copy for each party and one for the
// committee; it takes effect on effective_on and opens the 30 days to
// apply for judicial confirmation. A verbal one is recorded as such.
func (s *Service) Agree(ctx context.Context, u auth.User, number string, n NewAgreement) (Case, error) {
	eff, err := s.checkAgreement(&n)
	if err != nil {
		return Case{}, err
	}
	return s.change(ctx, u, number, func(tx *sql.Tx, c Case, now time.Time) error {
		if !c.Status.Open() {
			return errState(c.Status)
		}
		today := now.In(s.loc).Format(DateLayout)
		if n.EffectiveOn > today || n.EffectiveOn < c.CreatedAt.Format(DateLayout) {
			return errs.Invalidf("生效日期须在受理之日到今天之间", "effective_on lies between the day the case was opened and today")
		}
		if len(c.Mediators) == 0 {
			if err := s.mediateSelf(ctx, tx, u, c, now); err != nil {
				return err
			}
		}
		if n.Facts == "" {
			n.Facts = c.Summary
		}
		deadline, copies, sealed := "", 0, false
		if n.Kind == AgreementWritten {
			deadline, _ = ConfirmationDeadline(n.EffectiveOn)
			copies, sealed = len(c.Parties)+1, true
		}
		follow := n.PerformBy
		if f := eff.AddDate(0, 0, FollowUpDays).Format(DateLayout); follow < f {
			follow = f
		}
		_, err := tx.ExecContext(ctx, `UPDATE mediation_cases SET status = 'agreed', agreement = $1, facts = $2, content = $3, performance = $4, perform_by = $5,
effective_on = $6, confirmation_deadline = $7, copies = $8, committee_sealed = $9, agreed_at = $10, ended_at = $10, follow_up_on = $11, next_session_at = NULL WHERE number = $12`,
			n.Kind, n.Facts, n.Content, n.Performance, n.PerformBy, n.EffectiveOn, deadline, copies, sealed, db.Millis(now), follow, c.Number)
		if err != nil {
			return errs.Wrap(err, "agreement")
		}
		if n.Kind == AgreementWritten {
			for _, p := range c.Parties {
				if _, err := tx.ExecContext(ctx, `INSERT INTO mediation_signatures (case_number, session, party, kind, recorded_by, at) VALUES ($1, 0, $2, $3, $4, $5)`,
					c.Number, p.Seq, SignInPerson, u.ID, db.Millis(now)); err != nil {
					return errs.Wrap(err, "agreement signature")
				}
			}
		}
		detail := map[string]any{"kind": n.Kind, "effective_on": n.EffectiveOn, "confirmation_deadline": deadline, "copies": copies, "committee_sealed": sealed}
		if err := s.event(ctx, tx, c.Number, u, "agree", detail, now); err != nil {
			return err
		}
		msg := fmt.Sprintf("调解案件 %s 已达成口头调解协议，自%s起生效，请自觉履行。", c.Number, n.EffectiveOn)
		if n.Kind == AgreementWritten {
			msg = fmt.Sprintf("调解案件 %s 已达成调解协议，自%s起生效。双方可于%s前共同向人民法院申请司法确认。", c.Number, n.EffectiveOn, deadline)
		}
		return s.tellParties(ctx, tx, c, now, msg)
	})
}

// checkAgreement checks and cleans the agreement's fields, and reads its
// effective date.
func (s *Service) checkAgreement(n *NewAgreement) (time.Time, error) {
	if n.Kind == "" {
		n.Kind = AgreementWritten
	}
	if n.Kind != AgreementWritten && n.Kind != AgreementVerbal {
		return time.Time{}, errs.Invalidf("协议形式须为 written 或 verbal", "kind must be written or verbal")
	}
	if err := text(&n.Content, true, MaxText, "协议内容", "the content"); err != nil {
		return time.Time{}, err
	}
	if err := text(&n.Facts, false, MaxText, "主要事实", "the facts"); err != nil {
		return time.Time{}, err
	}
	if err := text(&n.Performance, n.Kind == AgreementWritten, MaxNote, "履行方式和期限", "the way and time of performance"); err != nil {
		return time.Time{}, err
	}
	eff, err := time.ParseInLocation(DateLayout, strings.TrimSpace(n.EffectiveOn), s.loc)
	if err != nil {
		return time.Time{}, errs.Invalidf("生效日期须写作 YYYY-MM-DD", "effective_on is written YYYY-MM-DD")
	}
	n.EffectiveOn = eff.Format(DateLayout)
	if n.PerformBy = strings.TrimSpace(n.PerformBy); n.PerformBy != "" {
		pb, err := time.ParseInLocation(DateLayout, n.PerformBy, s.loc)
		if err != nil {
			return time.Time{}, errs.Invalidf("履行期限须写作 YYYY-MM-DD", "perform_by is written YYYY-MM-DD")
		}
		if pb.Before(eff) {
			return time.Time{}, errs.Invalidf("履行期限不能早于生效日期", "perform_by cannot precede effective_on")
		}
	}
	return eff, nil
}

// mediateSelf makes the member who records an agreement the case's mediator
// when none was named; one who is no member must have them named first.
func (s *Service) mediateSelf(ctx context.Context, tx *sql.Tx, u auth.User, c Case, now time.Time) error {
	member, err := memberQ(ctx, tx, u, c.Committee)
	if err != nil {
		return err
	}
	if !member {
		return errs.Conflictf("请先指派调解员", "assign the mediators first")
	}
	var id string
	if err := tx.QueryRowContext(ctx, `SELECT id FROM mediation_members WHERE org_code = $1 AND user_id = $2 AND duty <> 'former' ORDER BY seq LIMIT 1`, c.Committee, u.ID).Scan(&id); err != nil {
		return errs.Wrap(err, "her membership")
	}
	com, err := committeeQ(ctx, tx, c.Committee)
	if err != nil {
		return err
	}
	return s.setMediators(ctx, tx, u, c.Number, com, []string{id}, false, now)
}

// Confirm records the judicial confirmation: applied (on the day the
// parties applied, within the window), then granted or refused by the
// court.
func (s *Service) Confirm(ctx context.Context, u auth.User, number, state, on string) (Case, error) {
	d, err := time.ParseInLocation(DateLayout, strings.TrimSpace(on), s.loc)
	if err != nil {
		return Case{}, errs.Invalidf("日期须写作 YYYY-MM-DD", "the date is written YYYY-MM-DD")
	}
	on = d.Format(DateLayout)
	return s.change(ctx, u, number, func(tx *sql.Tx, c Case, now time.Time) error {
		a := c.Agreement
		if c.Status != StatusAgreed || a == nil || a.Kind != AgreementWritten {
			return errs.Conflictf("只有书面调解协议可以申请司法确认", "only a written agreement is confirmed by a court")
		}
		if on > now.In(s.loc).Format(DateLayout) || on < a.EffectiveOn {
			return errs.Invalidf("日期须在协议生效之日到今天之间", "the date lies between effective_on and today")
		}
		switch state {
		case ConfirmApplied:
			if a.Confirmation != ConfirmNone {
				return errs.Conflictf("已记录司法确认申请", "the application is recorded already")
			}
			if on > a.ConfirmationDeadline {
				return errs.Invalidf("申请司法确认的期限已于%s届满", "the window to apply closed on %s", a.ConfirmationDeadline)
			}
		case ConfirmGranted, ConfirmRefused:
			if a.Confirmation != ConfirmApplied {
				return errs.Conflictf("尚未记录司法确认申请", "no application is recorded")
			}
		default:
			return errs.Invalidf("司法确认状态须为 applied、granted 或 refused", "state must be applied, granted or refused")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE mediation_cases SET confirmation = $1, confirmation_on = $2 WHERE number = $3`, state, on, c.Number); err != nil {
			return errs.Wrap(err, "confirmation")
		}
		return s.event(ctx, tx, c.Number, u, "confirmation", map[string]any{"state": state, "on": on}, now)
	})
}

// FollowUp records the follow-up on performance (回访): performed, partly
// or not.
func (s *Service) FollowUp(ctx context.Context, u auth.User, number, performed, note string) (Case, error) {
	if performed != Performed && performed != PartlyDone && performed != NotPerformed {
		return Case{}, errs.Invalidf("履行情况须为 performed、partly 或 not", "performed must be performed, partly or not")
	}
	if err := text(&note, false, MaxNote, "回访情况", "the note"); err != nil {
		return Case{}, err
	}
	return s.change(ctx, u, number, func(tx *sql.Tx, c Case, now time.Time) error {
		if c.Status != StatusAgreed {
			return errState(c.Status)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE mediation_cases SET performed = $1, followed_up_at = $2 WHERE number = $3`, performed, db.Millis(now), c.Number); err != nil {
			return errs.Wrap(err, "follow-up")
		}
		return s.event(ctx, tx, c.Number, u, "follow_up", map[string]any{"performed": performed, "note": note}, now)
	})
}

var _ = auth.User{}

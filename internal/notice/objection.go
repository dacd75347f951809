package notice

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// NewObjection is an objection (异议) raised during the public-notice
// period.
type NewObjection struct {
	Text string `json:"text"`
	// Phone is the resident's when staff enter the objection on her behalf
	// (she came to the office or called); residents leave it out.
	Phone string `json:"phone"`
}

var errClosed = errs.Conflictf("公示期已结束，不能再提出异议", "the public-notice period has ended; objections are closed")

// Object records an objection to the item: a resident's own, or one staff
// enter on a resident's behalf (recorded as such). The publishing
// organisation is told.
func (s *Service) Object(ctx context.Context, u auth.User, number string, in NewObjection) (Notice, error) {
	in.Text = cleanText(in.Text)
	if err := checkText(in.Text, MaxText, "异议内容", "the objection"); err != nil {
		return Notice{}, err
	}
	phone, behalf := u.Phone, u.Role.IsStaff()
	if behalf {
		if phone = auth.NormalizePhone(in.Phone); !auth.ValidPhone(phone) {
			return Notice{}, errs.Invalidf("请填写所代居民的手机号", "give the mobile number of the resident you act for")
		}
	} else if in.Phone != "" {
		return Notice{}, errs.Invalidf("手机号仅在工作人员代居民登记时填写", "a phone is given only by staff acting for a resident")
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		n, resident, err := s.locked(ctx, tx, u, number)
		if err != nil {
			return err
		}
		if err := s.mayObject(ctx, tx, u, n, resident, phone, behalf); err != nil {
			return err
		}
		now := s.clock.Now()
		if n.NoticeUntil == nil || !now.Before(*n.NoticeUntil) {
			return errClosed
		}
		var mine int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM notice_objections WHERE number = $1 AND phone = $2`, n.Number, phone).Scan(&mine); err != nil {
			return errs.Wrap(err, "count objections")
		}
		if mine >= MaxPerResident {
			return errs.Conflictf("每位居民对同一事项最多提出%d条异议", "a resident raises at most %d objections on one item", MaxPerResident)
		}
		if n.Objections >= MaxObjections {
			return errs.Conflictf("该事项的异议已达%d条上限", "this item has reached its limit of %d objections", MaxObjections)
		}
		return s.addObjection(ctx, tx, u, n, now, phone, behalf, in.Text)
	})
	if err != nil {
		return Notice{}, err
	}
	return s.Get(ctx, u, number)
}

// mayObject tells why u may not raise (or enter) an objection to n, if so.
func (s *Service) mayObject(ctx context.Context, tx *sql.Tx, u auth.User, n Notice, resident bool, phone string, behalf bool) error {
	if !behalf && u.Role != auth.RoleResident {
		return errs.New(errs.Forbidden, "只有居民可以提出异议", "only residents raise objections")
	}
	switch n.Status {
	case StatusNoticing:
	case StatusAnswering, StatusFinal:
		return errClosed
	default:
		return errs.Conflictf("不在公示期内，不能提出异议", "the item is not in its public-notice period")
	}
	if !behalf {
		if !CanObject(u, n, resident) {
			return errs.New(errs.Forbidden, "只有本区域的居民可以提出异议", "only residents of the area raise objections")
		}
		return nil
	}
	lives, err := disclosure.LivesIn(ctx, tx, phone, n.AreaCode)
	if err != nil {
		return err
	}
	if !CanObjectFor(u, n, residentMay(n, lives)) {
		return errs.New(errs.Forbidden, "该居民不能对此事项提出异议，或您无权代其登记", "that resident may not object to this item, or you may not act for her")
	}
	return nil
}

func (s *Service) addObjection(ctx context.Context, tx *sql.Tx, u auth.User, n Notice, now time.Time, phone string, behalf bool, text string) error {
	seq := n.Objections + 1
	_, err := tx.ExecContext(ctx, `INSERT INTO notice_objections (number, seq, phone, entered_by, on_behalf, text, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		n.Number, seq, phone, u.ID, behalf, text, db.Millis(now))
	if err != nil {
		return errs.Wrap(db.MapError(err), "insert objection")
	}
	if _, err := tx.ExecContext(ctx, `UPDATE notices SET objections = objections + 1, pending = pending + 1, updated_at = $2 WHERE number = $1`,
		n.Number, db.Millis(now)); err != nil {
		return errs.Wrap(err, "count objection")
	}
	who := ""
	if behalf {
		who = phone
	}
	if err := s.event(ctx, tx, n.Number, u, who, now, Event{Kind: "object", Objection: seq}); err != nil {
		return err
	}
	return s.notify(ctx, tx, now, "", n.OrgCode, fmt.Sprintf("「%s」（%s）收到第%d条异议，请在办结前答复。", n.Title, n.Number, seq))
}

// AnswerInput is the publishing organisation's answer to an objection.
type AnswerInput struct {
	Text string `json:"text"`
	// Changed tells whether the objection changed the item (采纳).
	Changed bool `json:"changed"`
}

// Answer records the answer to the objection id of the item; each is
// answered once. The objector is told.
func (s *Service) Answer(ctx context.Context, u auth.User, number string, id int, in AnswerInput) (Notice, error) {
	in.Text = cleanText(in.Text)
	if err := checkText(in.Text, MaxText, "答复内容", "the answer"); err != nil {
		return Notice{}, err
	}
	return s.act(ctx, u, number, func(tx *sql.Tx, n Notice, now time.Time) error {
		if !CanAnswer(u, n) {
			return errState
		}
		var phone string
		var answered sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT phone, answered_at FROM notice_objections WHERE number = $1 AND seq = $2`, n.Number, id).Scan(&phone, &answered)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFoundf("异议不存在", "no such objection")
		}
		if err != nil {
			return errs.Wrap(err, "read objection")
		}
		if answered.Valid {
			return errs.Conflictf("该异议已答复", "this objection has been answered")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE notice_objections SET answer = $3, changed = $4, answered_by = $5, answered_at = $6 WHERE number = $1 AND seq = $2`,
			n.Number, id, in.Text, in.Changed, u.ID, db.Millis(now)); err != nil {
			return errs.Wrap(err, "answer objection")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE notices SET pending = pending - 1, updated_at = $2 WHERE number = $1`, n.Number, db.Millis(now)); err != nil {
			return errs.Wrap(err, "count answer")
		}
		if err := s.event(ctx, tx, n.Number, u, "", now, Event{Kind: "answer", Objection: id, Text: in.Text}); err != nil {
			return err
		}
		word := "未采纳"
		if in.Changed {
			word = "已采纳"
		}
		return s.notify(ctx, tx, now, phone, "", fmt.Sprintf("您对「%s」（%s）提出的异议已答复（%s）：%s", n.Title, n.Number, word, in.Text))
	})
}

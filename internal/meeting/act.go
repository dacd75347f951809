package meeting

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
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// Notice sends the notice with the agenda to every representative on the
// area's roster, which becomes the meeting's own: a notification to each
// one with a phone, the others noted as told on paper.
func (s *Service) Notice(ctx context.Context, u auth.User, id string) (Meeting, error) {
	err := s.runTx(ctx, u, id, func(tx *sql.Tx, m Meeting, now time.Time) error {
		if m.Status != StatusDraft {
			return errState(m.Status)
		}
		reps, err := s.members(ctx, tx, m, true)
		if err != nil {
			return err
		}
		if len(reps) < MinRoster {
			return errs.Conflictf("议事会名单至少需%d人，现有%d人", "a meeting's roster needs at least %d representatives; it has %d", MinRoster, len(reps))
		}
		phones, err := s.rosterPhones(ctx, tx, m.AreaCode)
		if err != nil {
			return err
		}
		text := s.noticeText(m)
		sms := 0
		for i, r := range reps {
			how := "paper"
			if phones[r.ID] != "" {
				how = "sms"
				sms++
				if err := s.notify(ctx, tx, now, phones[r.ID], "", text); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO meeting_members (meeting_id, rep_id, seq, name, kind, org_name, phone, notice) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
				id, r.ID, i+1, r.Name, r.Kind, r.OrgName, phones[r.ID], how)
			if err != nil {
				return errs.Wrap(err, "meeting member")
			}
		}
		if err := s.move(ctx, tx, m, StatusNoticed, "noticed_at", now, `, roster = `+fmt.Sprint(len(reps))); err != nil {
			return err
		}
		return s.event(ctx, tx, id, u, "", "notice", map[string]any{"roster": len(reps), "sms": sms, "paper": len(reps) - sms}, now)
	})
	if err != nil {
		return Meeting{}, err
	}
	return s.Get(ctx, u, id)
}

// rosterPhones returns the phones of the area's roster by representative.
func (s *Service) rosterPhones(ctx context.Context, tx *sql.Tx, area string) (map[string]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, phone FROM meeting_representatives WHERE area_code = $1`, area)
	if err != nil {
		return nil, errs.Wrap(err, "roster phones")
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, phone string
		if err := rows.Scan(&id, &phone); err != nil {
			return nil, errs.Wrap(err, "scan roster phone")
		}
		out[id] = phone
	}
	return out, errs.Wrap(rows.Err(), "roster phones")
}

func (s *Service) noticeText(m Meeting) string {
	var b strings.Builder
	fmt.Fprintf(&b, "【议事会通知】%s议事会定于%s在%s召开，议题：%s。议程：", m.AreaName, m.StartsAt.In(s.loc).Format("2006-01-02 15:04"), m.Place, m.Title)
	for i, x := range m.Agenda {
		fmt.Fprintf(&b, "%d. %s；", i+1, x)
	}
	b.WriteString("请准时参加并签到。")
	return b.String()
}

// move sets the meeting's status and the time column of the step, with any
// further assignments in set.
func (s *Service) move(ctx context.Context, tx *sql.Tx, m Meeting, to Status, col string, now time.Time, set string) error {
	_, err := tx.ExecContext(ctx, `UPDATE meetings SET status = $2, `+col+` = $3, updated_at = $3`+set+` WHERE id = $1`, m.ID, string(to), db.Millis(now))
	return errs.Wrap(err, "meeting status")
}

// step moves the meeting from one status to the next, with its event.
func (s *Service) step(ctx context.Context, u auth.User, id string, from, to Status, col, kind string, check func(Meeting) error) (Meeting, error) {
	err := s.runTx(ctx, u, id, func(tx *sql.Tx, m Meeting, now time.Time) error {
		if m.Status != from {
			return errState(m.Status)
		}
		if check != nil {
			if err := check(m); err != nil {
				return err
			}
		}
		if err := s.move(ctx, tx, m, to, col, now, ""); err != nil {
			return err
		}
		detail := map[string]any{"roster": m.Roster, "present": m.Present, "quorum_met": m.Quorum.Met(m.Present, m.Roster)}
		if err := s.event(ctx, tx, id, u, "", kind, detail, now); err != nil {
			return err
		}
		if to == StatusPublished {
			return s.notifyMembers(ctx, tx, m, now, fmt.Sprintf("%s议事会「%s」的决议已公开，请登录查看。", m.AreaName, m.Title))
		}
		return nil
	})
	if err != nil {
		return Meeting{}, err
	}
	return s.Get(ctx, u, id)
}

func (s *Service) notifyMembers(ctx context.Context, tx *sql.Tx, m Meeting, now time.Time, text string) error {
	rows, err := tx.QueryContext(ctx, `SELECT phone FROM meeting_members WHERE meeting_id = $1 AND phone <> ''`, m.ID)
	if err != nil {
		return errs.Wrap(err, "member phones")
	}
	var phones []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return errs.Wrap(err, "scan member phone")
		}
		phones = append(phones, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "member phones")
	}
	for _, p := range phones {
		if err := s.notify(ctx, tx, now, p, "", text); err != nil {
			return err
		}
	}
	return nil
}

// Open opens the meeting: the sign-in begins, and resolutions may be taken
// once the quorum is present.
func (s *Service) Open(ctx context.Context, u auth.User, id string) (Meeting, error) {
	return s.step(ctx, u, id, StatusNoticed, StatusOpen, "opened_at", "open", nil)
}

// Close ends the meeting: no more sign-ins or resolutions.
func (s *Service) Close(ctx context.Context, u auth.User, id string) (Meeting, error) {
	return s.step(ctx, u, id, StatusOpen, StatusClosed, "closed_at", "close", nil)
}

// Publish makes the record — minutes, resolutions and their counts, tasks —
// readable at the meeting's disclosure level; it needs the minutes.
func (s *Service) Publish(ctx context.Context, u auth.User, id string) (Meeting, error) {
	return s.step(ctx, u, id, StatusClosed, StatusPublished, "published_at", "publish", func(m Meeting) error {
		if strings.TrimSpace(m.Minutes) == "" {
			return errs.Conflictf("请先填写会议纪要再公开", "write the minutes before publishing")
		}
		return nil
	})
}

// SetMinutes writes the minutes while the meeting is open or closed.
func (s *Service) SetMinutes(ctx context.Context, u auth.User, id, text string) (Meeting, error) {
	text = strings.TrimSpace(plaintext.Clean(text))
	if text == "" || utf8.RuneCountInString(text) > MaxMinutes {
		return Meeting{}, errs.Invalidf("会议纪要不能为空且不超过%d字", "the minutes must be 1 to %d characters", MaxMinutes)
	}
	err := s.runTx(ctx, u, id, func(tx *sql.Tx, m Meeting, now time.Time) error {
		if m.Status != StatusOpen && m.Status != StatusClosed {
			return errState(m.Status)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE meetings SET minutes = $2, updated_at = $3 WHERE id = $1`, id, text, db.Millis(now)); err != nil {
			return errs.Wrap(err, "meeting minutes")
		}
		return s.event(ctx, tx, id, u, "", "minutes", map[string]any{"text": text}, now)
	})
	if err != nil {
		return Meeting{}, err
	}
	return s.Get(ctx, u, id)
}

// SignIn signs a member in while the meeting is open: a representative
// herself (repID empty or her own), or, by those who run the meeting, any
// member, recorded as done on her behalf.
func (s *Service) SignIn(ctx context.Context, u auth.User, id, repID string) (Meeting, error) {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		m, err := s.lock(ctx, tx, id)
		if err != nil {
			return err
		}
		m, runs, err := s.access(ctx, tx, u, m)
		if err != nil {
			return err
		}
		if repID == "" {
			repID = m.MyMemberID
		}
		if repID == "" {
			if runs {
				return errs.Invalidf("请指明签到的代表（representative_id）", "name the representative to sign in (representative_id)")
			}
			return errs.New(errs.Forbidden, "您不是本次议事会的代表", "you are not a representative of this meeting")
		}
		var phone string
		var signed sql.NullInt64
		err = tx.QueryRowContext(ctx, `SELECT phone, signed_at FROM meeting_members WHERE meeting_id = $1 AND rep_id = $2`, id, repID).Scan(&phone, &signed)
		if errors.Is(err, sql.ErrNoRows) {
			if runs {
				return errs.Invalidf("该代表不在本次议事会名单中", "that representative is not on this meeting's roster")
			}
			return errs.New(errs.Forbidden, "您不是本次议事会的代表", "you are not a representative of this meeting")
		}
		if err != nil {
			return errs.Wrap(err, "read member")
		}
		return s.signIn(ctx, tx, u, m, runs, repID, phone, signed.Valid)
	})
	if err != nil {
		return Meeting{}, err
	}
	return s.Get(ctx, u, id)
}

func (s *Service) signIn(ctx context.Context, tx *sql.Tx, u auth.User, m Meeting, runs bool, repID, phone string, signed bool) error {
	if !runs && !isMember(u, phone) {
		return errs.New(errs.Forbidden, "只能为自己签到", "you may sign in only yourself")
	}
	ok, proxy := CanSignIn(u, m, runs, phone)
	switch {
	case m.Status != StatusOpen:
		return errs.Conflictf("会议尚未开始或已经结束，不能签到", "the meeting is not open for sign-in")
	case signed:
		return errs.Conflictf("已经签到过了", "already signed in")
	case !ok:
		return errs.ErrForbidden
	}
	now := s.clock.Now()
	x, err := tx.ExecContext(ctx, `UPDATE meeting_members SET signed_at = $3, signed_by = $4, proxy = $5 WHERE meeting_id = $1 AND rep_id = $2 AND signed_at IS NULL`,
		m.ID, repID, db.Millis(now), u.ID, proxy)
	if err != nil {
		return errs.Wrap(err, "sign in")
	}
	if n, _ := x.RowsAffected(); n == 0 {
		return errs.Conflictf("已经签到过了", "already signed in")
	}
	if _, err := tx.ExecContext(ctx, `UPDATE meetings SET present = present + 1, updated_at = $2 WHERE id = $1`, m.ID, db.Millis(now)); err != nil {
		return errs.Wrap(err, "count present")
	}
	behalf := ""
	if proxy {
		behalf = repID
	}
	return s.event(ctx, tx, m.ID, u, behalf, "signin", map[string]any{"representative": repID, "proxy": proxy}, now)
}

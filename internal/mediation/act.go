package mediation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// SignatureStore keeps the images of signatures (attachment.Service), as
// the photos of projects are kept.
type SignatureStore = attachment.Keeper

// SetSignatures lets signatures be kept as images.
func (s *Service) SetSignatures(p SignatureStore) { s.photos = p }

// OpenSignature opens the image of a party's signature of a session's
// record (session 0: of the agreement), or its thumbnail, for those who
// mediate the case; the caller closes it.
func (s *Service) OpenSignature(ctx context.Context, u auth.User, number string, session, party int, thumb bool) (io.ReadSeekCloser, attachment.Attachment, error) {
	noImage := errs.NotFoundf("没有这份签名图片", "no such signature image")
	c, err := s.Get(ctx, u, number)
	if err != nil {
		return nil, attachment.Attachment{}, err
	}
	if !c.CanRun {
		return nil, attachment.Attachment{}, errs.New(errs.Forbidden, "只有本案的调解委员会可以查看签名", "only the case's committee sees the signatures")
	}
	if s.photos == nil {
		return nil, attachment.Attachment{}, noImage
	}
	var img attachment.Image
	var at int64
	err = s.db.R.QueryRowContext(ctx, `SELECT sha256, content_type, size, width, height, at FROM mediation_signatures
WHERE case_number = $1 AND session = $2 AND party = $3 AND kind = $4`, c.Number, session, party, SignImage).Scan(&img.SHA256, &img.ContentType, &img.Size, &img.Width, &img.Height, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, attachment.Attachment{}, noImage
	} else if err != nil {
		return nil, attachment.Attachment{}, errs.Wrap(err, "read signature")
	}
	return s.photos.OpenKept(ctx, fmt.Sprintf("%s-%d-%d", c.Number, session, party), img, s.at(at), thumb)
}

// SignaturesKeeping is how many signatures keep the file of a hash, for
// the attachment service's clean-up.
func (s *Service) SignaturesKeeping(ctx context.Context, sha256 string) (int, error) {
	var n int
	err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM mediation_signatures WHERE sha256 = $1`, sha256).Scan(&n)
	return n, errs.Wrap(err, "count signatures")
}

// change runs fn on the case, locked, when u mediates it; the case's
// updated_at is set and the case returned as u reads it.
func (s *Service) change(ctx context.Context, u auth.User, number string, fn func(tx *sql.Tx, c Case, now time.Time) error) (Case, error) {
	now := s.clock.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE mediation_cases SET updated_at = $1 WHERE number = $2`, db.Millis(now), strings.TrimSpace(number)); err != nil {
			return errs.Wrap(err, "lock case")
		}
		c, runs, err := s.visibleQ(ctx, tx, u, number)
		if err != nil {
			return err
		}
		if !runs {
			return errs.New(errs.Forbidden, "只有本案的调解委员会可以办理", "only the case's committee handles it")
		}
		return fn(tx, c, now)
	})
	if err != nil {
		return Case{}, err
	}
	return s.Get(ctx, u, number)
}

// leaders are the street's leadership for a case of the area: the staff of
// the street office of its street and the supervisors whose area covers
// the street.
func (s *Service) leaders(ctx context.Context, tx *sql.Tx, areaCode string) (street string, offices []string, err error) {
	code := areaCode
	for code != "" {
		a, err := gov.AreaQ(ctx, tx, code)
		if err != nil {
			return "", nil, err
		}
		if a.Level == gov.LevelStreet {
			street = a.Code
			break
		}
		code = a.ParentCode
	}
	if street == "" {
		street = areaCode
	}
	rows, err := tx.QueryContext(ctx, `SELECT code FROM orgs WHERE kind = $1 AND area_code = $2 ORDER BY code`, string(gov.KindStreetOffice), street)
	if err != nil {
		return "", nil, errs.Wrap(err, "street office")
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return "", nil, errs.Wrap(err, "scan street office")
		}
		offices = append(offices, c)
	}
	return street, offices, errs.Wrap(rows.Err(), "street office")
}

// escalate tells the street's leadership of a red case at once and, when
// violence threatens, records its referral to the police.
func (s *Service) escalate(ctx context.Context, tx *sql.Tx, u auth.User, number, areaCode, disputeType string, violence bool, now time.Time) error {
	street, offices, err := s.leaders(ctx, tx, areaCode)
	if err != nil {
		return err
	}
	text := fmt.Sprintf("红色预警：调解案件 %s（%s）有引发暴力或群体性事件的风险，请街道领导立即关注。", number, DisputeTypeNames[disputeType])
	ns := []notice{{role: string(auth.RoleSupervisor), area: street, text: text}}
	for _, o := range offices {
		ns = append(ns, notice{org: o, text: text})
	}
	if err := s.notify(ctx, tx, now, ns...); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE mediation_cases SET leaders_told_at = $1 WHERE number = $2`, db.Millis(now), number); err != nil {
		return errs.Wrap(err, "leaders told")
	}
	if err := s.event(ctx, tx, number, u, "escalate", map[string]any{"street": street, "offices": offices, "supervisors": true}, now); err != nil {
		return err
	}
	if !violence {
		return nil
	}
	var referred sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT police_referred_at FROM mediation_cases WHERE number = $1`, number).Scan(&referred); err != nil {
		return errs.Wrap(err, "police referral")
	}
	if referred.Valid {
		return nil
	}
	note := "纠纷有暴力倾向，已移送公安机关（派出所）依法处置。"
	if _, err := tx.ExecContext(ctx, `UPDATE mediation_cases SET police_referred_at = $1, police_note = $2 WHERE number = $3`, db.Millis(now), note, number); err != nil {
		return errs.Wrap(err, "police referral")
	}
	return s.event(ctx, tx, number, u, "police_referral", map[string]any{"note": note}, now)
}

// Regrade grades the case's risk anew as it moves; violence is whether
// violence threatens. Turning red escalates at once.
func (s *Service) Regrade(ctx context.Context, u auth.User, number string, risk Risk, violence bool, note string) (Case, error) {
	if !risk.Valid() {
		return Case{}, errs.Invalidf("风险等级须为 red、orange、yellow 或 blue", "risk must be red, orange, yellow or blue")
	}
	if violence && risk != RiskRed {
		return Case{}, errs.Invalidf("有暴力倾向的纠纷应评为红色", "a dispute where violence threatens is graded red")
	}
	if err := text(&note, false, MaxNote, "评估说明", "the note"); err != nil {
		return Case{}, err
	}
	return s.change(ctx, u, number, func(tx *sql.Tx, c Case, now time.Time) error {
		if !c.Status.Open() {
			return errState(c.Status)
		}
		if c.Risk == risk && c.Violence == violence {
			return errs.Conflictf("风险等级未改变", "the risk is unchanged")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE mediation_cases SET risk = $1, violence = $2 WHERE number = $3`, string(risk), violence, c.Number); err != nil {
			return errs.Wrap(err, "regrade")
		}
		if err := s.event(ctx, tx, c.Number, u, "regrade", map[string]any{"from": c.Risk, "to": risk, "violence": violence, "note": note}, now); err != nil {
			return err
		}
		if risk == RiskRed && (c.Risk != RiskRed || (violence && !c.Violence)) {
			return s.escalate(ctx, tx, u, c.Number, c.AreaCode, c.DisputeType, violence, now)
		}
		return nil
	})
}

// SetMediators names the mediators of the case from its committee's
// members: assigned by the committee, or chosen by the parties.
func (s *Service) SetMediators(ctx context.Context, u auth.User, number string, memberIDs []string, chosen bool) (Case, error) {
	if len(memberIDs) == 0 || len(memberIDs) > MaxMembers {
		return Case{}, errs.Invalidf("调解员须为1到%d人", "a case has 1 to %d mediators", MaxMembers)
	}
	return s.change(ctx, u, number, func(tx *sql.Tx, c Case, now time.Time) error {
		if !c.Status.Open() {
			return errState(c.Status)
		}
		com, err := committeeQ(ctx, tx, c.Committee)
		if err != nil {
			return err
		}
		return s.setMediators(ctx, tx, u, c.Number, com, memberIDs, chosen, now)
	})
}

func (s *Service) setMediators(ctx context.Context, tx *sql.Tx, u auth.User, number string, com Committee, ids []string, chosen bool, now time.Time) error {
	names := map[string]string{}
	for _, m := range com.Members {
		names[m.ID] = m.Name
	}
	seen := map[string]bool{}
	var list []string
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if names[id] == "" {
			return errs.Invalidf("调解员须是本调解委员会的委员", "mediators are members of the case's committee")
		}
		if !seen[id] {
			seen[id] = true
			list = append(list, names[id])
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM mediation_mediators WHERE case_number = $1`, number); err != nil {
		return errs.Wrap(err, "clear mediators")
	}
	for id := range seen {
		if _, err := tx.ExecContext(ctx, `INSERT INTO mediation_mediators (case_number, member_id, chosen) VALUES ($1, $2, $3)`, number, id, chosen); err != nil {
			return errs.Wrap(err, "insert mediator")
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE mediation_cases SET status = 'mediating' WHERE number = $1 AND status = 'accepted'`, number); err != nil {
		return errs.Wrap(err, "mediating")
	}
	return s.event(ctx, tx, number, u, "mediators", map[string]any{"names": strings.Join(list, "、"), "chosen_by_parties": chosen}, now)
}

// Schedule sets when the next session is held; the parties are told.
func (s *Service) Schedule(ctx context.Context, u auth.User, number string, at time.Time, place string) (Case, error) {
	if err := oneLine(&place, MaxPlace, "调解地点", "the place"); err != nil {
		return Case{}, err
	}
	now := s.clock.Now()
	if at.Before(now) || at.After(now.AddDate(0, 0, 366)) {
		return Case{}, errs.Invalidf("调解时间须在今后一年之内", "the session must be within the coming year")
	}
	return s.change(ctx, u, number, func(tx *sql.Tx, c Case, now time.Time) error {
		if !c.Status.Open() {
			return errState(c.Status)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE mediation_cases SET next_session_at = $1 WHERE number = $2`, db.Millis(at), c.Number); err != nil {
			return errs.Wrap(err, "schedule")
		}
		if err := s.event(ctx, tx, c.Number, u, "schedule", map[string]any{"at": at.In(s.loc), "place": place}, now); err != nil {
			return err
		}
		return s.tellParties(ctx, tx, c, now, fmt.Sprintf("调解案件 %s 定于%s在%s调解，请准时参加。调解不收取任何费用。", c.Number, at.In(s.loc).Format("2006-01-02 15:04"), place))
	})
}

func (s *Service) tellParties(ctx context.Context, tx *sql.Tx, c Case, now time.Time, text string) error {
	var ns []notice
	for _, p := range c.Parties {
		ns = append(ns, notice{phone: p.Phone, text: text})
	}
	return s.notify(ctx, tx, now, ns...)
}

// NewSession is a session's record.
type NewSession struct {
	HeldAt time.Time `json:"held_at"`
	Place  string    `json:"place"`
	Record string    `json:"record"`
}

// RecordSession records a session held (调解笔录); the parties then sign it.
func (s *Service) RecordSession(ctx context.Context, u auth.User, number string, n NewSession) (Case, error) {
	if err := oneLine(&n.Place, MaxPlace, "调解地点", "the place"); err != nil {
		return Case{}, err
	}
	if err := text(&n.Record, true, MaxText, "调解记录", "the record"); err != nil {
		return Case{}, err
	}
	now := s.clock.Now()
	if n.HeldAt.IsZero() {
		n.HeldAt = now
	}
	if n.HeldAt.After(now) || n.HeldAt.Before(now.AddDate(0, 0, -30)) {
		return Case{}, errs.Invalidf("调解时间须在近30天之内，且不晚于现在", "a session is recorded within 30 days after it was held")
	}
	return s.change(ctx, u, number, func(tx *sql.Tx, c Case, now time.Time) error {
		if !c.Status.Open() {
			return errState(c.Status)
		}
		if len(c.Sessions) >= MaxSessions {
			return errs.Conflictf("一件案件最多记录%d次调解", "a case records at most %d sessions", MaxSessions)
		}
		seq := len(c.Sessions) + 1
		if _, err := tx.ExecContext(ctx, `INSERT INTO mediation_sessions (case_number, seq, held_at, place, record, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			c.Number, seq, db.Millis(n.HeldAt), n.Place, n.Record, u.ID, db.Millis(now)); err != nil {
			return errs.Wrap(err, "insert session")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE mediation_cases SET status = 'mediating', next_session_at = NULL WHERE number = $1`, c.Number); err != nil {
			return errs.Wrap(err, "mediating")
		}
		return s.event(ctx, tx, c.Number, u, "session", map[string]any{"seq": seq, "held_at": n.HeldAt.In(s.loc), "place": n.Place}, now)
	})
}

// Signing kinds.
const (
	SignImage    = "image"     // an image of her signature
	SignInPerson = "in_person" // signed on paper, recorded by the mediator
)

// Sign records a party's signature of a session's record (session > 0) or
// of the written agreement (session 0): an image of it (img, kept as the
// projects' photos are) or, when img is nil, signed in person as the
// mediator records.
func (s *Service) Sign(ctx context.Context, u auth.User, number string, session, party int, name string, img io.Reader) (Case, error) {
	kind, kept := SignInPerson, attachment.Image{}
	if img != nil {
		if s.photos == nil {
			return Case{}, errs.New(errs.Unavailable, "本系统未启用图片功能", "images are not enabled on this system")
		}
		// Only those who mediate the case keep an image on it.
		c, err := s.Get(ctx, u, number)
		if err != nil {
			return Case{}, err
		}
		if !c.CanRun {
			return Case{}, errs.New(errs.Forbidden, "只有本案的调解委员会可以办理", "only the case's committee handles it")
		}
		if kept, err = s.photos.Keep(ctx, name, img); err != nil {
			return Case{}, err
		}
		kind = SignImage
	}
	return s.change(ctx, u, number, func(tx *sql.Tx, c Case, now time.Time) error {
		if party < 1 || party > len(c.Parties) {
			return errs.Invalidf("没有第%d位当事人", "no party %d", party)
		}
		if session == 0 {
			if c.Agreement == nil || c.Agreement.Kind != AgreementWritten {
				return errs.Conflictf("本案没有书面调解协议", "the case has no written agreement")
			}
		} else if session < 0 || session > len(c.Sessions) {
			return errs.Invalidf("没有第%d次调解记录", "no session %d", session)
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM mediation_signatures WHERE case_number = $1 AND session = $2 AND party = $3`, c.Number, session, party)
		if err != nil {
			return errs.Wrap(err, "replace signature")
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO mediation_signatures (case_number, session, party, kind, sha256, content_type, size, width, height, recorded_by, at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, c.Number, session, party, kind, kept.SHA256, kept.ContentType, kept.Size, kept.Width, kept.Height, u.ID, db.Millis(now))
		if err != nil {
			return errs.Wrap(err, "insert signature")
		}
		return s.event(ctx, tx, c.Number, u, "sign", map[string]any{"session": session, "party": party, "kind": kind}, now)
	})
}

// Refuse records that a party refuses mediation: the case ends and the
// parties are told the other routes. A party refuses herself (her phone),
// or the mediator records it.
func (s *Service) Refuse(ctx context.Context, u auth.User, number string, party int, reason string) (Case, error) {
	if err := text(&reason, false, MaxNote, "拒绝理由", "the reason"); err != nil {
		return Case{}, err
	}
	now := s.clock.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE mediation_cases SET updated_at = $1 WHERE number = $2`, db.Millis(now), strings.TrimSpace(number)); err != nil {
			return errs.Wrap(err, "lock case")
		}
		c, runs, err := s.visibleQ(ctx, tx, u, number)
		if err != nil {
			return err
		}
		if !runs && party == 0 {
			for _, p := range c.Parties {
				if p.Phone == u.Phone {
					party = p.Seq
				}
			}
		}
		if party < 1 || party > len(c.Parties) {
			return errs.Invalidf("没有第%d位当事人", "no party %d", party)
		}
		if !CanRefuse(u, runs, c.Parties[party-1]) {
			return errs.ErrForbidden
		}
		if !c.Status.Open() {
			return errState(c.Status)
		}
		why := fmt.Sprintf("当事人%s拒绝调解", c.Parties[party-1].Name)
		if reason != "" {
			why += "：" + reason
		}
		if _, err := tx.ExecContext(ctx, `UPDATE mediation_parties SET refused_at = $1 WHERE case_number = $2 AND seq = $3`, db.Millis(now), c.Number, party); err != nil {
			return errs.Wrap(err, "refuse")
		}
		return s.end(ctx, tx, u, c, StatusRefused, why, "refuse", now)
	})
	if err != nil {
		return Case{}, err
	}
	return s.Get(ctx, u, number)
}

// Terminate ends the case without agreement, with the reason; the parties
// are told the other routes.
func (s *Service) Terminate(ctx context.Context, u auth.User, number, reason string) (Case, error) {
	if err := text(&reason, true, MaxNote, "终止调解的理由", "the reason"); err != nil {
		return Case{}, err
	}
	return s.change(ctx, u, number, func(tx *sql.Tx, c Case, now time.Time) error {
		if !c.Status.Open() {
			return errState(c.Status)
		}
		return s.end(ctx, tx, u, c, StatusTerminated, reason, "terminate", now)
	})
}

func (s *Service) end(ctx context.Context, tx *sql.Tx, u auth.User, c Case, st Status, reason, kind string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE mediation_cases SET status = $1, end_reason = $2, routes = $3, ended_at = $4, next_session_at = NULL, updated_at = $4 WHERE number = $5`,
		string(st), reason, Routes, db.Millis(now), c.Number); err != nil {
		return errs.Wrap(err, "end case")
	}
	if err := s.event(ctx, tx, c.Number, u, kind, map[string]any{"reason": reason, "routes": Routes}, now); err != nil {
		return err
	}
	return s.tellParties(ctx, tx, c, now, fmt.Sprintf("调解案件 %s 已终止调解（%s）。%s", c.Number, reason, Routes))
}

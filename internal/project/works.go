package project

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// The works: milestones and reports of progress with their photos, kept by
// the unit that runs the project.

// MilestoneIn is a new milestone: its title and planned day (2026-12-01).
type MilestoneIn struct {
	Title   string `json:"title"`
	Planned string `json:"planned"`
}

// parseDay reads a day written 2006-01-02 as its midnight in the business
// zone.
func (s *Service) parseDay(v string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(v), s.loc)
	if err != nil || t.Year() < 2000 || t.Year() > 2100 {
		return time.Time{}, errs.Invalidf("日期应写作 2026-12-01", "a date is written 2026-12-01")
	}
	return t, nil
}

func (s *Service) fmtDay(ms int64) string { return s.at(ms).Format("2006-01-02") }

// AddMilestone adds a milestone while the project is planned or built.
func (s *Service) AddMilestone(ctx context.Context, u auth.User, number string, in MilestoneIn) (Detail, error) {
	in.Title = cleanText(in.Title)
	if in.Title == "" || utf8.RuneCountInString(in.Title) > MaxTitle || strings.ContainsAny(in.Title, "\r\n") {
		return Detail{}, errs.Invalidf("节点名称不能为空，不超过%d字，且只占一行", "a milestone's title must be 1 to %d characters on one line", MaxTitle)
	}
	planned, err := s.parseDay(in.Planned)
	if err != nil {
		return Detail{}, err
	}
	err = s.change(ctx, u, number, func(tx *sql.Tx, p Project, now time.Time) error {
		if p.Phase != Planning && p.Phase != Building {
			return errs.Conflictf("只有在需求征集或实施阶段可以增加节点", "milestones are added while the project is planned or built")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM project_milestones WHERE number = $1`, number).Scan(&n); err != nil {
			return errs.Wrap(err, "count milestones")
		}
		if n >= MaxMilestones {
			return errs.Conflictf("每个项目最多%d个节点", "a project has at most %d milestones", MaxMilestones)
		}
		id := db.NewID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO project_milestones (id, number, title, planned, created_at) VALUES ($1, $2, $3, $4, $5)`,
			id, number, in.Title, db.Millis(planned), db.Millis(now)); err != nil {
			return errs.Wrap(err, "add milestone")
		}
		return s.event(ctx, tx, number, u, "", now, Event{Kind: "milestone", Ref: id, Text: in.Title + " " + planned.Format("2006-01-02")})
	})
	return s.after(ctx, u, number, err)
}

// DoneMilestone marks a milestone reached on the day given (today when
// empty, never a day to come), while the project is built or evaluated.
func (s *Service) DoneMilestone(ctx context.Context, u auth.User, number, id, done string) (Detail, error) {
	day := s.day(s.clock.Now())
	if strings.TrimSpace(done) != "" {
		d, err := s.parseDay(done)
		if err != nil {
			return Detail{}, err
		}
		if d.After(day) {
			return Detail{}, errs.Invalidf("完成日期不能晚于今天", "the day it was reached cannot be after today")
		}
		day = d
	}
	err := s.change(ctx, u, number, func(tx *sql.Tx, p Project, now time.Time) error {
		if p.Phase != Building && p.Phase != Evaluating {
			return errs.Conflictf("只有在实施或评价阶段可以标记节点完成", "milestones are marked reached while the project is built or evaluated")
		}
		var title string
		var was sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT title, done FROM project_milestones WHERE id = $1 AND number = $2`, id, number).Scan(&title, &was)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFoundf("节点不存在", "no such milestone")
		}
		if err != nil {
			return errs.Wrap(err, "read milestone")
		}
		if was.Valid {
			return errs.Conflictf("该节点已标记完成", "the milestone is already marked reached")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE project_milestones SET done = $2 WHERE id = $1`, id, db.Millis(day)); err != nil {
			return errs.Wrap(err, "milestone done")
		}
		return s.event(ctx, tx, number, u, "", now, Event{Kind: "milestone-done", Ref: id, Text: title + " " + day.Format("2006-01-02")})
	})
	return s.after(ctx, u, number, err)
}

func (s *Service) milestones(ctx context.Context, q db.Queryer, number string) ([]Milestone, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, title, planned, done FROM project_milestones WHERE number = $1 ORDER BY planned, created_at, id`, number)
	if err != nil {
		return nil, errs.Wrap(err, "milestones")
	}
	defer rows.Close()
	today := db.Millis(s.day(s.clock.Now()))
	out := []Milestone{}
	for rows.Next() {
		var m Milestone
		var planned int64
		var done sql.NullInt64
		if err := rows.Scan(&m.ID, &m.Title, &planned, &done); err != nil {
			return nil, errs.Wrap(err, "scan milestone")
		}
		m.Planned, m.At = s.fmtDay(planned), s.at(planned)
		if done.Valid {
			m.Done, m.Late = s.fmtDay(done.Int64), done.Int64 > planned
		} else {
			m.Late = today > planned
		}
		out = append(out, m)
	}
	return out, errs.Wrap(rows.Err(), "milestones")
}

// Progress is a report on the works: per cent done (0–100), a note, and
// the reason when it is below the report before.
type Progress struct {
	Percent *int64 `json:"percent"`
	Note    string `json:"note"`
	Reason  string `json:"reason"`
}

// PhotoIn is a photo sent with a report.
type PhotoIn struct {
	Name string
	R    io.Reader
}

func (pr *Progress) check() error {
	pr.Note, pr.Reason = cleanText(pr.Note), cleanText(pr.Reason)
	if pr.Percent == nil || *pr.Percent < 0 || *pr.Percent > 100 {
		return errs.Invalidf("进度应为0到100的整数", "percent must be a whole number from 0 to 100")
	}
	if pr.Note == "" || utf8.RuneCountInString(pr.Note) > MaxAnswer {
		return errs.Invalidf("进展说明不能为空且不超过%d字", "the note must be 1 to %d characters", MaxAnswer)
	}
	if utf8.RuneCountInString(pr.Reason) > MaxAnswer {
		return errs.Invalidf("原因不超过%d字", "the reason is at most %d characters", MaxAnswer)
	}
	return nil
}

// mayReport checks a report against the project as it stands: it is built,
// and a lower per cent than the last report's comes with its reason.
func mayReport(p Project, pr Progress) error {
	if p.Phase != Building {
		return errs.Conflictf("只有在实施阶段可以报告进度", "progress is reported while the project is built")
	}
	if *pr.Percent < p.Progress && pr.Reason == "" {
		return errs.Conflictf("进度不能低于上次报告的%d%%，除非说明原因", "progress cannot go below the last report's %d%% without a reason", p.Progress)
	}
	return nil
}

// ReportProgress records a report of the works with up to MaxPhotos
// photos, kept stripped of their metadata. Progress only goes down with a
// reason. Nothing is recorded when a photo is refused.
func (s *Service) ReportProgress(ctx context.Context, u auth.User, number string, pr Progress, photos []PhotoIn) (Detail, error) {
	if err := pr.check(); err != nil {
		return Detail{}, err
	}
	if len(photos) > MaxPhotos {
		return Detail{}, errs.Invalidf("每次报告最多%d张照片", "a report takes at most %d photos", MaxPhotos)
	}
	if len(photos) > 0 && s.photos == nil {
		return Detail{}, errs.New(errs.Unavailable, "本系统未启用照片功能", "photos are not enabled on this system")
	}
	p, _, err := s.visible(ctx, s.db.R, u, number)
	if err != nil {
		return Detail{}, err
	}
	if !CanRun(u, p) {
		return Detail{}, errs.ErrForbidden
	}
	if err := mayReport(p, pr); err != nil {
		return Detail{}, err
	}
	kept := make([]attachment.Image, 0, len(photos))
	for _, ph := range photos {
		img, err := s.photos.Keep(ctx, ph.Name, ph.R)
		if err != nil {
			return Detail{}, photoError(ph.Name, err)
		}
		kept = append(kept, img)
	}
	err = s.change(ctx, u, number, func(tx *sql.Tx, p Project, now time.Time) error {
		if err := mayReport(p, pr); err != nil {
			return err
		}
		return s.insertUpdate(ctx, tx, u, p, now, pr, kept)
	})
	return s.after(ctx, u, number, err)
}

// photoError names the photo an error is about.
func photoError(name string, err error) error {
	e := errs.As(err)
	if errs.Logged(e.Code) {
		return err
	}
	return &errs.Error{Code: e.Code, Msg: fmt.Sprintf("照片「%s」：%s", name, e.Msg), MsgEn: fmt.Sprintf("photo %q: %s", name, e.MsgEn), Err: err}
}

func (s *Service) insertUpdate(ctx context.Context, tx *sql.Tx, u auth.User, p Project, now time.Time, pr Progress, kept []attachment.Image) error {
	var updates, photos int
	err := tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM project_updates WHERE number = $1), (SELECT COUNT(*) FROM project_photos WHERE number = $1)`,
		p.Number).Scan(&updates, &photos)
	if err != nil {
		return errs.Wrap(err, "count reports")
	}
	if updates >= MaxUpdates {
		return errs.Conflictf("每个项目最多%d次进度报告", "a project takes at most %d reports", MaxUpdates)
	}
	if photos+len(kept) > MaxProjectPhotos {
		return errs.Conflictf("每个项目最多%d张照片", "a project takes at most %d photos", MaxProjectPhotos)
	}
	id := db.NewID()
	if _, err := tx.ExecContext(ctx, `INSERT INTO project_updates (id, number, seq, at, actor_id, percent, note, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		id, p.Number, updates+1, db.Millis(now), u.ID, *pr.Percent, pr.Note, pr.Reason); err != nil {
		return errs.Wrap(err, "insert report")
	}
	for i, img := range kept {
		if _, err := tx.ExecContext(ctx, `INSERT INTO project_photos (id, number, update_id, pos, sha256, content_type, size, width, height, name, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, db.NewID(), p.Number, id, i+1, img.SHA256, img.ContentType, img.Size, img.Width, img.Height, img.Name, db.Millis(now)); err != nil {
			return errs.Wrap(err, "insert photo")
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE projects SET progress = $2, updated_at = $3 WHERE number = $1`, p.Number, *pr.Percent, db.Millis(now)); err != nil {
		return errs.Wrap(err, "project progress")
	}
	text := pr.Note
	if pr.Reason != "" {
		text += "（" + pr.Reason + "）"
	}
	return s.event(ctx, tx, p.Number, u, "", now, Event{Kind: "progress", Percent: *pr.Percent, Ref: id, Text: text})
}

func (s *Service) updates(ctx context.Context, q db.Queryer, number string) ([]Update, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, at, percent, note, reason FROM project_updates WHERE number = $1 ORDER BY seq DESC LIMIT $2`, number, MaxUpdates)
	if err != nil {
		return nil, errs.Wrap(err, "reports")
	}
	out, index := []Update{}, map[string]int{}
	for rows.Next() {
		var up Update
		var at int64
		if err := rows.Scan(&up.ID, &at, &up.Percent, &up.Note, &up.Reason); err != nil {
			rows.Close()
			return nil, errs.Wrap(err, "scan report")
		}
		up.At, up.Photos = s.at(at), []Photo{}
		index[up.ID] = len(out)
		out = append(out, up)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "reports")
	}
	rows, err = q.QueryContext(ctx, `SELECT id, update_id, name, width, height FROM project_photos WHERE number = $1 ORDER BY update_id, pos`, number)
	if err != nil {
		return nil, errs.Wrap(err, "report photos")
	}
	defer rows.Close()
	for rows.Next() {
		var ph Photo
		var upd string
		if err := rows.Scan(&ph.ID, &upd, &ph.Name, &ph.Width, &ph.Height); err != nil {
			return nil, errs.Wrap(err, "scan photo")
		}
		if i, ok := index[upd]; ok {
			out[i].Photos = append(out[i].Photos, ph)
		}
	}
	return out, errs.Wrap(rows.Err(), "report photos")
}

// OpenPhoto opens a report's photo (or its thumbnail) for u, who must be
// allowed to read the project; the caller closes it.
func (s *Service) OpenPhoto(ctx context.Context, u auth.User, number, id string, thumb bool) (io.ReadSeekCloser, attachment.Attachment, error) {
	noPhoto := errs.NotFoundf("照片不存在", "no such photo")
	if _, _, err := s.visible(ctx, s.db.R, u, number); err != nil {
		return nil, attachment.Attachment{}, err
	}
	if s.photos == nil {
		return nil, attachment.Attachment{}, noPhoto
	}
	var img attachment.Image
	var at int64
	err := s.db.R.QueryRowContext(ctx, `SELECT sha256, content_type, size, width, height, name, created_at FROM project_photos WHERE id = $1 AND number = $2`,
		id, number).Scan(&img.SHA256, &img.ContentType, &img.Size, &img.Width, &img.Height, &img.Name, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, attachment.Attachment{}, noPhoto
	}
	if err != nil {
		return nil, attachment.Attachment{}, errs.Wrap(err, "read photo")
	}
	return s.photos.OpenKept(ctx, id, img, s.at(at), thumb)
}

// PhotosKeeping counts the project photos that keep the file of a hash,
// for attachment.KeptBy.
func (s *Service) PhotosKeeping(ctx context.Context, sha256 string) (int, error) {
	var n int
	err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM project_photos WHERE sha256 = $1`, sha256).Scan(&n)
	return n, errs.Wrap(err, "count project photos")
}

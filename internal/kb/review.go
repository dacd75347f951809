package kb

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/agenda"
	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

const appCols = `p.id, p.article_id, COALESCE(a.title, ''), p.area_code, p.ticket_number, p.status, p.note, p.checked, p.review_note, p.created_at, p.updated_at, p.user_id, p.phone`
const appFrom = ` FROM kb_applications p LEFT JOIN kb_articles a ON a.id = p.article_id`

func scanApp(sc interface{ Scan(...any) error }) (Application, error) {
	var p Application
	var checked string
	var c, u int64
	err := sc.Scan(&p.ID, &p.ArticleID, &p.Title, &p.AreaCode, &p.TicketNumber, &p.Status, &p.Note, &checked, &p.ReviewNote, &c, &u, &p.userID, &p.phone)
	p.Checked, p.CreatedAt, p.UpdatedAt = splitLines(checked), time.UnixMilli(c), time.UnixMilli(u)
	if p.Checked == nil {
		p.Checked = []string{}
	}
	p.Files = []File{}
	return p, err
}

// Application returns one application to its applicant or a reviewer.
func (s *Service) Application(ctx context.Context, u auth.User, id string) (Application, error) {
	p, err := scanApp(s.db.R.QueryRowContext(ctx, `SELECT `+appCols+appFrom+` WHERE p.id = $1`, id))
	if isNoRows(err) {
		return Application{}, errNoApplication
	}
	if err != nil {
		return Application{}, errs.Wrap(err, "get application")
	}
	if !isApplicant(u, p) && !CanReview(u, p.AreaCode) {
		return Application{}, errNoApplication
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT seq, sha256, content_type, size, width, height, name, created_at FROM kb_application_files WHERE application_id = $1 ORDER BY seq`, id)
	if err != nil {
		return Application{}, errs.Wrap(err, "application files")
	}
	defer rows.Close()
	for rows.Next() {
		var f File
		var at int64
		if err := rows.Scan(&f.Seq, &f.img.SHA256, &f.img.ContentType, &f.img.Size, &f.img.Width, &f.img.Height, &f.Name, &at); err != nil {
			return Application{}, errs.Wrap(err, "scan file")
		}
		f.img.Name, f.at = f.Name, time.UnixMilli(at)
		p.Files = append(p.Files, f)
	}
	return p, errs.Wrap(rows.Err(), "application files")
}

// CanDecide reports whether u reviews the application now.
func CanDecide(u auth.User, p Application) bool {
	return p.Status == AppSubmitted && CanReview(u, p.AreaCode)
}

// CanComplete reports whether u completes the returned application.
func CanComplete(u auth.User, p Application) bool {
	return p.Status == AppReturned && isApplicant(u, p)
}

// Review decides an application: approve, return (for more; the note says
// what) or refuse (the note says why). The applicant is told.
func (s *Service) Review(ctx context.Context, u auth.User, id, decision, note string) (Application, error) {
	note = strings.TrimSpace(plaintext.Clean(note))
	if utf8.RuneCountInString(note) > MaxReviewNote {
		return Application{}, errs.Invalidf("审核意见不超过%d字", "the note is at most %d characters", MaxReviewNote)
	}
	to := map[string]string{DecideApprove: AppApproved, DecideReturn: AppReturned, DecideRefuse: AppRefused}[decision]
	if to == "" {
		return Application{}, errs.Invalidf("审核结果应为通过、退回补充或不予办理", "the decision must be approve, return or refuse")
	}
	if to != AppApproved && note == "" {
		return Application{}, errs.Invalidf("退回或不予办理须写明原因", "say why when returning or refusing")
	}
	p, err := s.Application(ctx, u, id)
	if err != nil {
		return Application{}, err
	}
	if !CanReview(u, p.AreaCode) {
		return Application{}, errs.ErrForbidden
	}
	now := s.clock.Now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE kb_applications SET status = $1, review_note = $2, updated_at = $3 WHERE id = $4 AND status = $5`,
			to, note, db.Millis(now), id, AppSubmitted)
		if err != nil {
			return errs.Wrap(err, "review application")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Conflictf("这份申请不在待审核状态", "the application is not waiting for review")
		}
		if err := event(ctx, tx, id, u, now, decision, map[string]any{"note": note}); err != nil {
			return err
		}
		return db.Notify(ctx, tx, db.Note{At: now, Phone: p.phone, Kind: "kb_application_" + to,
			Text: "您的申请“" + p.Title + "”（" + id + "）：" + map[string]string{AppApproved: "已通过", AppReturned: "需补充材料", AppRefused: "不予办理"}[to] + "。" + note})
	})
	if err != nil {
		return Application{}, err
	}
	return s.Application(ctx, u, id)
}

// Complete sends a returned application again with what was asked for.
func (s *Service) Complete(ctx context.Context, u auth.User, id string, in ApplyInput) (Application, error) {
	p, err := s.Application(ctx, u, id)
	if err != nil {
		return Application{}, err
	}
	if !CanComplete(u, p) {
		return Application{}, errs.Conflictf("只有退回补充的申请可以再次提交", "only a returned application is sent again")
	}
	a, err := s.Get(ctx, p.ArticleID)
	if err != nil {
		return Application{}, err
	}
	if err := in.check(a); err != nil {
		return Application{}, err
	}
	if len(p.Files)+len(in.Files) > MaxAppFiles {
		return Application{}, errs.Invalidf("上传材料不超过%d个", "at most %d files", MaxAppFiles)
	}
	imgs, err := s.keep(ctx, in.Files)
	if err != nil {
		return Application{}, err
	}
	now := s.clock.Now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE kb_applications SET status = $1, note = $2, checked = $3, updated_at = $4 WHERE id = $5 AND status = $6`,
			AppSubmitted, in.Note, strings.Join(in.Checked, "\n"), db.Millis(now), id, AppReturned)
		if err != nil {
			return errs.Wrap(err, "complete application")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Conflictf("只有退回补充的申请可以再次提交", "only a returned application is sent again")
		}
		if err := insertFiles(ctx, tx, id, imgs, now); err != nil {
			return err
		}
		return event(ctx, tx, id, u, now, "completed", map[string]any{"files": len(imgs)})
	})
	if err != nil {
		return Application{}, err
	}
	return s.Application(ctx, u, id)
}

// ToReview lists the applications u reviews, waiting ones first.
func (s *Service) ToReview(ctx context.Context, u auth.User) ([]Application, error) {
	if !u.IsAdmin() && (!CanReview(u, u.AreaCode) || u.AreaCode == "") {
		return nil, errs.ErrForbidden
	}
	scope := u.AreaCode
	if u.IsAdmin() {
		scope = ""
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+appCols+appFrom+` WHERE p.area_code LIKE $1 ORDER BY CASE p.status WHEN 'submitted' THEN 0 ELSE 1 END, p.updated_at DESC LIMIT 200`, scope+"%")
	if err != nil {
		return nil, errs.Wrap(err, "list applications")
	}
	defer rows.Close()
	out := []Application{}
	for rows.Next() {
		p, err := scanApp(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan application")
		}
		out = append(out, p)
	}
	return out, errs.Wrap(rows.Err(), "list applications")
}

// MineItems are u's applications in her 我的事项 (agenda.Source).
func (s *Service) MineItems(ctx context.Context, u auth.User) ([]agenda.Item, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+appCols+appFrom+` WHERE p.phone = $1 ORDER BY p.updated_at DESC LIMIT $2`, u.Phone, agenda.MaxItems)
	if err != nil {
		return nil, errs.Wrap(err, "my applications")
	}
	defer rows.Close()
	out := []agenda.Item{}
	for rows.Next() {
		p, err := scanApp(rows)
		if err != nil {
			return nil, errs.Wrap(err, "scan application")
		}
		out = append(out, agenda.Item{Kind: "application", Ref: p.ID, Title: p.Title, Status: p.Status, Role: "raised",
			URL: "/guides/applications/" + p.ID, NeedsAction: p.Status == AppReturned, At: p.UpdatedAt})
	}
	return out, errs.Wrap(rows.Err(), "my applications")
}

// OpenFile opens an application's file (or its thumbnail) for its
// applicant or a reviewer; the caller closes it.
func (s *Service) OpenFile(ctx context.Context, u auth.User, id string, seq int, thumb bool) (io.ReadSeekCloser, attachment.Attachment, error) {
	p, err := s.Application(ctx, u, id)
	if err != nil {
		return nil, attachment.Attachment{}, err
	}
	if s.files == nil {
		return nil, attachment.Attachment{}, errNoApplication
	}
	for _, f := range p.Files {
		if f.Seq == seq {
			return s.files.OpenKept(ctx, fmt.Sprintf("%s-%d", id, f.Seq), f.img, f.at, thumb)
		}
	}
	return nil, attachment.Attachment{}, errs.NotFoundf("没有这份材料", "no such file")
}

// TodoItems are the applications waiting for u's review (agenda.Source).
func (s *Service) TodoItems(ctx context.Context, u auth.User) ([]agenda.Item, error) {
	if !u.IsAdmin() && (u.AreaCode == "" || !CanReview(u, u.AreaCode)) {
		return []agenda.Item{}, nil
	}
	list, err := s.ToReview(ctx, u)
	if err != nil {
		return nil, err
	}
	out := []agenda.Item{}
	for _, p := range list {
		if p.Status == AppSubmitted {
			out = append(out, agenda.Item{Kind: "application", Ref: p.ID, Title: p.Title, Status: p.Status, Role: "answer",
				URL: "/staff/guides/applications/" + p.ID, NeedsAction: true, At: p.UpdatedAt})
		}
	}
	return out, nil
}

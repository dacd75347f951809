package kb

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
	"github.com/gongzhi/gongzhi/internal/plaintext"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// An online application (在线申请) under a guide is the community's own
// matter (a 证明, a 补贴, a 登记): the resident ticks the materials she has,
// uploads them, and sends it. It makes a ticket in the guide's category for
// her community, so the dispatch, the time limits and the reply of the
// ticket loop apply, and the application keeps the ticket's number. Staff
// review it (approve, return for more, refuse); a returned one she
// completes and sends again. She follows it in her 我的事项.

// Application statuses.
const (
	AppSubmitted = "submitted"
	AppReturned  = "returned"
	AppApproved  = "approved"
	AppRefused   = "refused"
)

// Decisions of a review.
const (
	DecideApprove = "approve"
	DecideReturn  = "return"
	DecideRefuse  = "refuse"
)

// Application is one online application.
type Application struct {
	ID           string    `json:"id"`
	ArticleID    string    `json:"article_id"`
	Title        string    `json:"title"`
	AreaCode     string    `json:"area_code"`
	TicketNumber string    `json:"ticket_number"`
	Status       string    `json:"status"`
	Note         string    `json:"note"`
	Checked      []string  `json:"checked"`
	ReviewNote   string    `json:"review_note"`
	Files        []File    `json:"files"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`

	userID, phone string
}

// File is an uploaded material.
type File struct {
	Seq  int    `json:"seq"`
	Name string `json:"name"`
	img  attachment.Image
	at   time.Time
}

// Upload is a file to keep with an application.
type Upload struct {
	Name string
	R    io.Reader
}

// ApplyInput is what an application (or its completion) holds.
type ApplyInput struct {
	AreaCode string   `json:"area_code"` // the community; ignored on completion
	Note     string   `json:"note"`
	Checked  []string `json:"checked"`
	Files    []Upload `json:"-"`
}

// Limits of an application.
const (
	MaxAppNote     = 500
	MaxAppFiles    = 6
	MaxReviewNote  = 500
	maxOpenPerUser = 5 // applications under review at once, per resident
)

// Tickets is what applications need of the ticket capability.
type Tickets interface {
	Create(ctx context.Context, actor *auth.User, in ticket.NewTicket) (ticket.Ticket, error)
}

// SetApplications connects the ticket loop and the photo store that
// applications use.
func (s *Service) SetApplications(t Tickets, k attachment.Keeper) { s.tickets, s.files = t, k }

func (in *ApplyInput) check(a Article) error {
	in.Note = strings.TrimSpace(plaintext.Clean(in.Note))
	if utf8.RuneCountInString(in.Note) > MaxAppNote {
		return errs.Invalidf("申请说明不超过%d字", "the note is at most %d characters", MaxAppNote)
	}
	have := map[string]bool{}
	for _, m := range a.Guide.Materials {
		have[m] = true
	}
	var checked []string
	for _, c := range in.Checked {
		if !have[c] {
			return errs.Invalidf("材料“%s”不在清单上", "%q is not on the list of materials", c)
		}
		checked = append(checked, c)
	}
	in.Checked = checked
	if len(in.Files) > MaxAppFiles {
		return errs.Invalidf("上传材料不超过%d个", "at most %d files", MaxAppFiles)
	}
	return nil
}

// keep keeps the uploads before the transaction that records them.
func (s *Service) keep(ctx context.Context, ups []Upload) ([]attachment.Image, error) {
	if len(ups) > 0 && s.files == nil {
		return nil, errs.New(errs.Unavailable, "本系统未启用材料上传", "uploads are not enabled on this system")
	}
	var out []attachment.Image
	for _, up := range ups {
		img, err := s.files.Keep(ctx, up.Name, up.R)
		if err != nil {
			return nil, err
		}
		out = append(out, img)
	}
	return out, nil
}

// Apply sends u's application under the article and makes its ticket.
func (s *Service) Apply(ctx context.Context, u auth.User, articleID string, in ApplyInput) (Application, error) {
	if s.tickets == nil {
		return Application{}, errs.New(errs.Unavailable, "本系统未连接工单", "tickets are not connected")
	}
	a, err := s.Get(ctx, articleID)
	if err != nil {
		return Application{}, err
	}
	if !CanApply(u, a, s.today()) {
		if u.Role != auth.RoleResident {
			return Application{}, errs.ErrForbidden
		}
		return Application{}, errs.Conflictf("这项事务不能在线申请", "this matter takes no online application")
	}
	if err := in.check(a); err != nil {
		return Application{}, err
	}
	if err := s.checkArea(ctx, u, in.AreaCode); err != nil {
		return Application{}, err
	}
	imgs, err := s.keep(ctx, in.Files)
	if err != nil {
		return Application{}, err
	}
	id := "SQ" + db.NewID()
	now := s.clock.Now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO kb_applications (id, article_id, user_id, phone, area_code, status, note, checked, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`, id, a.ID, u.ID, u.Phone, in.AreaCode, AppSubmitted, in.Note, strings.Join(in.Checked, "\n"), db.Millis(now))
		if err != nil {
			return errs.Wrap(err, "insert application")
		}
		if err := insertFiles(ctx, tx, id, imgs, now); err != nil {
			return err
		}
		return event(ctx, tx, id, u, now, "applied", map[string]any{"article_id": a.ID, "files": len(imgs)})
	})
	if err != nil {
		return Application{}, err
	}
	t, err := s.tickets.Create(ctx, &u, ticket.NewTicket{Kind: ticket.KindHelp, CategoryCode: a.Guide.ApplyCategory, AreaCode: in.AreaCode,
		Description: applicationText(a, id, in), Channel: ticket.ChannelWeb, ReporterName: u.Name, ReporterPhone: u.Phone})
	if err != nil {
		s.unapply(ctx, id)
		return Application{}, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE kb_applications SET ticket_number = $1 WHERE id = $2`, t.Number, id)
		if err != nil {
			return errs.Wrap(err, "link ticket")
		}
		return event(ctx, tx, id, u, now, "ticket", map[string]any{"ticket_number": t.Number})
	})
	if err != nil {
		return Application{}, err
	}
	return s.Application(ctx, u, id)
}

// unapply removes an application whose ticket was refused, so nothing is
// left half made.
func (s *Service) unapply(ctx context.Context, id string) {
	_ = s.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{`DELETE FROM kb_application_files WHERE application_id = $1`, `DELETE FROM kb_events WHERE item_id = $1`, `DELETE FROM kb_applications WHERE id = $1`} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		return nil
	})
}

func applicationText(a Article, id string, in ApplyInput) string {
	var b strings.Builder
	fmt.Fprintf(&b, "网上申请：%s（申请编号 %s，请在办事指南的申请审核中审核）。", a.Title, id)
	if len(in.Checked) > 0 {
		fmt.Fprintf(&b, "已备材料：%s。", strings.Join(in.Checked, "、"))
	}
	if len(in.Files) > 0 {
		fmt.Fprintf(&b, "上传材料%d份。", len(in.Files))
	}
	if in.Note != "" {
		b.WriteString("申请说明：" + in.Note)
	}
	return b.String()
}

// checkArea: the application names a community (or village) of the
// district, and u has at most maxOpenPerUser under review.
func (s *Service) checkArea(ctx context.Context, u auth.User, area string) error {
	if strings.TrimSpace(area) == "" {
		return errs.Invalidf("请选择所在社区", "choose your community")
	}
	var n int
	if err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM areas WHERE code = $1`, area).Scan(&n); err != nil {
		return errs.Wrap(err, "check area")
	}
	if n == 0 {
		return errs.Invalidf("所选社区不存在", "no such community")
	}
	err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM kb_applications WHERE phone = $1 AND status IN ('submitted', 'returned')`, u.Phone).Scan(&n)
	if err != nil {
		return errs.Wrap(err, "count applications")
	}
	if n >= maxOpenPerUser {
		return errs.Conflictf("您已有%d项申请在办，请办结后再申请", "you have %d applications under way already", n)
	}
	return nil
}

func insertFiles(ctx context.Context, tx *sql.Tx, id string, imgs []attachment.Image, now time.Time) error {
	for _, img := range imgs {
		seq, err := db.NextSeq(ctx, tx, "kb_application_files", "application_id", id)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO kb_application_files (application_id, seq, sha256, content_type, size, width, height, name, created_at)
VALUES ($1, $9, $2, $3, $4, $5, $6, $7, $8)`,
			id, img.SHA256, img.ContentType, img.Size, img.Width, img.Height, img.Name, db.Millis(now), seq)
		if err != nil {
			return errs.Wrap(err, "insert file")
		}
	}
	return nil
}

var errNoApplication = errs.NotFoundf("申请不存在", "no such application")

// FilesKeeping counts the application files that keep the file of a hash
// (attachment.KeptBy).
func (s *Service) FilesKeeping(ctx context.Context, sum string) (int, error) {
	var n int
	err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM kb_application_files WHERE sha256 = $1`, sum).Scan(&n)
	return n, errs.Wrap(err, "count application files")
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

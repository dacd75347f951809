// Package attachment keeps the photos of tickets: the reporter's (随手拍) and
// the handling unit's before, after and with its reply. Only JPEG, PNG and
// WebP are taken, told by their bytes; each file is kept without its
// metadata (strip.go), upright, once under the data folder by its SHA-256
// with a JPEG thumbnail; a photo's Exif GPS, read before it is dropped, gives
// a ticket without a location its place; and a photo is shown only to those
// who may see its ticket.
package attachment

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Purposes of an attachment.
const (
	PurposeReport = "report" // the reporter's photo of the problem
	PurposeBefore = "before" // the handling unit's, before the work
	PurposeAfter  = "after"  // and after it
	PurposeReply  = "reply"  // with the unit's reply
)

// Limits.
const (
	MaxSize      = 10 << 20 // bytes in one file
	MaxPerTicket = 9        // attachments on one ticket
	MaxName      = 100      // characters of the kept file name
)

// Attachment is one photo on a ticket. Width and Height are as shown, after
// the Exif orientation; Lat and Lng are the photo's Exif GPS, if any.
type Attachment struct {
	ID           string    `json:"id"`
	TicketNumber string    `json:"ticket_number"`
	SHA256       string    `json:"sha256"`
	ContentType  string    `json:"content_type"`
	Size         int64     `json:"size"`
	Width        int       `json:"width"`
	Height       int       `json:"height"`
	Name         string    `json:"name"`
	Purpose      string    `json:"purpose"`
	UploadedBy   string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	Lat          *float64  `json:"lat"`
	Lng          *float64  `json:"lng"`
	// stripped is false for a file kept before uploads were stripped of
	// their metadata, until it is (see CleanStored).
	stripped bool
}

// Ext is the file extension of the attachment's format.
func (a Attachment) Ext() string {
	if f := formatOf(a.ContentType); f != nil {
		return f.Ext
	}
	return "bin"
}

// Service keeps attachments.
type Service struct {
	db      *db.DB
	clock   clock.Clock
	tickets *ticket.Service
	root    string // DATA/attachments
	log     *slog.Logger
	// decoding holds a token for each image being decoded (see decodeTurn).
	decoding   chan struct{}
	decodeWait time.Duration
	// cleaning makes one file at a time lose the metadata it was kept with.
	cleaning sync.Mutex
	// keptBy count the photos of other items that keep a file (kept.go).
	keptBy []func(ctx context.Context, sha256 string) (int, error)
}

// New returns the service keeping its files under dataDir/attachments.
func New(d *db.DB, c clock.Clock, tickets *ticket.Service, dataDir string, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	if dataDir == "" {
		dataDir = "data"
	}
	return &Service{db: d, clock: c, tickets: tickets, root: filepath.Join(dataDir, "attachments"), log: log,
		decoding: make(chan struct{}, decodeSlots), decodeWait: decodeWait}
}

var (
	errNotImage = errs.New(errs.Invalid, "只支持 JPEG、PNG、WebP 图片", "only JPEG, PNG and WebP images")
	errTooLarge = errs.New(errs.TooLarge, "单个文件不能超过10MB", "a file may be at most 10 MB")
	// A full ticket is a conflict with the ticket's state, as an action the
	// status does not allow is: the request itself is well formed.
	errFull         = errs.New(errs.Conflict, "每张工单最多9个附件，已经满了", "a ticket holds at most 9 attachments and this one has 9")
	errClosed       = errs.New(errs.Conflict, "工单已办结，不能再添加附件", "the ticket is closed; attachments can no longer be added")
	errNoAttachment = errs.NotFoundf("附件不存在", "attachment not found")
)

// Add attaches the image read from r to the ticket for u, who must be
// allowed to see it. The reporter (or the staff member who registered the
// ticket for her) adds "report" photos while the ticket is open; the lead
// unit's handlers add "before", "after" and "reply" photos, and so does the
// grid worker who registered a ticket on patrol, as she may resolve it
// herself (自办自结 needs an after photo). A nil u is a guest
// who has just submitted this ticket in the same request: the caller vouches
// for her, and she may add "report" photos. An empty purpose means "reply"
// for the lead unit and "report" for everyone else. The same photo added to
// the same ticket again returns the attachment it already has.
func (s *Service) Add(ctx context.Context, u *auth.User, number, purpose, name string, r io.Reader) (Attachment, error) {
	if !ticket.ValidNumber(number) {
		return Attachment{}, errs.NotFoundf("工单 %s 不存在", "ticket %s not found", number)
	}
	purpose = strings.TrimSpace(purpose)
	var err error
	if purpose, err = s.mayAdd(ctx, u, number, purpose); err != nil {
		return Attachment{}, err
	}
	// Refuse a full ticket before reading the file; insert counts again.
	var n int
	if err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM attachments WHERE ticket_number = $1`, number).Scan(&n); err != nil {
		return Attachment{}, errs.Wrap(err, "count attachments")
	}
	if n >= MaxPerTicket {
		return Attachment{}, errFull
	}
	up, f, err := s.receive(r)
	if err != nil {
		return Attachment{}, err
	}
	defer up.discard()
	a := Attachment{TicketNumber: number, ContentType: f.ContentType,
		Name: cleanName(name), Purpose: purpose, CreatedAt: s.clock.Now().In(s.tickets.Location())}
	if u != nil {
		a.UploadedBy = u.ID
	}
	kept, info, err := s.prepare(ctx, up, f, &a)
	if err != nil {
		return Attachment{}, err
	}
	defer kept.discard()
	if err := kept.keep(s.originalPath(a.SHA256, f.Ext)); err != nil {
		return Attachment{}, err
	}
	a, created, err := s.insert(ctx, a)
	if err != nil || !created {
		return a, err
	}
	// The photo is kept: from here on a failure is logged, not returned, and
	// a client that went away does not stop the timeline line.
	s.record(context.WithoutCancel(ctx), u, a, info)
	return a, nil
}

// mayAdd checks that u may add an attachment of the purpose to the ticket,
// and returns the purpose with its default filled in.
func (s *Service) mayAdd(ctx context.Context, u *auth.User, number, purpose string) (string, error) {
	switch purpose {
	case "", PurposeReport, PurposeBefore, PurposeAfter, PurposeReply:
	default:
		return "", errs.Invalidf("purpose 须为 report（反映问题）、before（处置前）、after（处置后）或 reply（答复）",
			"purpose must be report, before, after or reply")
	}
	if u == nil {
		if purpose == "" {
			purpose = PurposeReport
		}
		if purpose != PurposeReport {
			return "", errs.New(errs.Forbidden, "诉求人只能上传反映问题的照片", "a reporter can only add report photos")
		}
		return purpose, nil
	}
	t, err := s.tickets.Visible(ctx, *u, number)
	if err != nil {
		return "", err
	}
	may := purposes(u, t)
	if purpose == "" {
		purpose = PurposeReport
		if slices.Contains(may, PurposeReply) {
			purpose = PurposeReply
		}
	}
	if !slices.Contains(may, purpose) {
		if purpose == PurposeReport {
			return "", errs.New(errs.Forbidden, "只有诉求人或登记人可以上传反映问题的照片", "only the reporter, or whoever registered the ticket, can add report photos")
		}
		return "", errs.New(errs.Forbidden, "只有主办单位可以上传处置和答复照片", "only the lead unit can add before, after and reply photos")
	}
	if closed(t) {
		return "", errClosed
	}
	return purpose, nil
}

// Purposes returns the purposes of the photos u may add to t now, in the
// order a form offers them; none once the ticket is closed. A nil u is a
// guest who has proved she reported it.
func Purposes(u *auth.User, t ticket.Ticket) []string {
	if closed(t) {
		return nil
	}
	if u == nil {
		return []string{PurposeReport}
	}
	return purposes(u, t)
}

func closed(t ticket.Ticket) bool { return t.Status.Ended() }

// purposes is who adds which photos, whatever the ticket's status: the
// reporter (or the staff who registered the ticket for her, as she would)
// photos of the problem; the lead unit photos before and after the work
// and with its reply; the grid worker who found it on patrol may fix it
// herself, and a grid worker of the area photographs the fix she was asked
// to check on site.
func purposes(u *auth.User, t ticket.Ticket) []string {
	var out []string
	if u.Role == auth.RoleResident || (u.ID != "" && u.ID == t.CreatedBy) {
		out = append(out, PurposeReport)
	}
	lead := u.Role == auth.RoleHandler && u.OrgCode != "" && u.OrgCode == t.AssignedOrgCode
	selfResolver := u.Role == auth.RoleGridWorker && u.ID != "" && u.ID == t.CreatedBy && t.Channel == ticket.ChannelGrid
	checker := u.Role == auth.RoleGridWorker && t.CheckStatus == "requested" && u.InArea(t.AreaCode)
	switch {
	case lead:
		out = append(out, PurposeBefore, PurposeAfter, PurposeReply)
	case selfResolver:
		out = append(out, PurposeBefore, PurposeAfter)
	case checker:
		out = append(out, PurposeAfter)
	}
	return out
}

// readErr remembers an error of the client's stream, to tell it from a
// failure to write the file.
type readErr struct {
	r   io.Reader
	err error
}

func (e *readErr) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF {
		e.err = err
	}
	return n, err
}

func errUpload(err error) error {
	return &errs.Error{Code: errs.Invalid, Msg: "上传未完成，请重试", MsgEn: "the upload did not complete; please try again", Err: err}
}

// receive reads at most MaxSize bytes of an image from r into a temporary
// file, refusing anything whose first bytes are not JPEG, PNG or WebP before
// reading on.
func (s *Service) receive(r io.Reader) (*upload, *format, error) {
	rr := &readErr{r: r}
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(rr, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, nil, errUpload(err)
	}
	f := sniff(head[:n])
	if f == nil {
		return nil, nil, errNotImage
	}
	up, err := s.newUpload()
	if err != nil {
		return nil, nil, err
	}
	if _, err := up.Write(head[:n]); err != nil {
		up.discard()
		return nil, nil, errs.Wrap(err, "write upload")
	}
	if _, err := io.Copy(up, io.LimitReader(rr, MaxSize+1-int64(n))); err != nil {
		up.discard()
		if rr.err != nil {
			return nil, nil, errUpload(rr.err)
		}
		return nil, nil, errs.Wrap(err, "write upload")
	}
	if up.size > MaxSize {
		up.discard()
		return nil, nil, errTooLarge
	}
	return up, f, nil
}

// Decoding is bounded across the server: a few images at a time, so that
// one client sending many large images cannot take all the memory; a
// request that cannot get a turn soon is answered "busy, try again" rather
// than held.
const (
	decodeSlots = 2
	decodeWait  = 5 * time.Second
)

var errBusy = &errs.Error{Code: errs.Unavailable, Msg: "正在处理的图片较多，请稍后再试", MsgEn: "many images are being processed; please try again shortly",
	RetryAfter: 5}

// decodeTurn waits for a decoding slot, at most s.decodeWait, and returns
// the function that gives it back.
func (s *Service) decodeTurn(ctx context.Context) (func(), error) {
	release := func() { <-s.decoding }
	select {
	case s.decoding <- struct{}{}:
		return release, nil
	default:
	}
	t := time.NewTimer(s.decodeWait)
	defer t.Stop()
	select {
	case s.decoding <- struct{}{}:
		return release, nil
	case <-t.C:
		return nil, errBusy
	case <-ctx.Done():
		return nil, errs.Wrap(ctx.Err(), "wait to decode")
	}
}

// makeThumb decodes an image (its size already checked) and writes its
// thumbnail to path.
func (s *Service) makeThumb(ctx context.Context, r io.Reader, f *format, path string) error {
	release, err := s.decodeTurn(ctx)
	if err != nil {
		return err
	}
	defer release()
	img, err := f.decode(r)
	if err != nil {
		return errDamaged
	}
	th := thumbnail(img, 1)
	img = nil // let the full image go before encoding
	return writeFile(path, func(w io.Writer) error { return encodeThumb(w, th) })
}

// record appends the timeline line and gives the ticket the photo's place
// when it has none. The ticket may have moved on between reading and
// writing; then it is tried again (each conflict is another change that
// went through, so a few tries suffice but for a storm of them).
func (s *Service) record(ctx context.Context, u *auth.User, a Attachment, info exifInfo) {
	var lat, lng *float64
	if info.HasGPS {
		lat, lng = &info.Lat, &info.Lng
	}
	var err error
	for try := 0; try < 10; try++ {
		if err = s.tickets.RecordAttachment(ctx, u, a.TicketNumber, a.Purpose, a.ID, lat, lng); !errs.Is(err, errs.Conflict) {
			break
		}
	}
	if err != nil {
		s.log.Warn("attachment kept, but its timeline line was not", "ticket", a.TicketNumber, "attachment", a.ID, "err", err)
	}
}

// List returns the ticket's attachments, oldest first, if u may see the ticket.
func (s *Service) List(ctx context.Context, u auth.User, number string) ([]Attachment, error) {
	if _, err := s.tickets.Visible(ctx, u, number); err != nil {
		return nil, err
	}
	return s.list(ctx, s.db.R, number)
}

// Open returns the file of an attachment, or its JPEG thumbnail, if u may
// see the ticket. The caller closes it.
func (s *Service) Open(ctx context.Context, u auth.User, number, id string, thumb bool) (io.ReadSeekCloser, Attachment, error) {
	if !validID(id) {
		return nil, Attachment{}, errNoAttachment
	}
	if _, err := s.tickets.Visible(ctx, u, number); err != nil {
		return nil, Attachment{}, err
	}
	a, err := s.get(ctx, s.db.R, number, id)
	if err != nil {
		return nil, Attachment{}, err
	}
	if !a.stripped { // kept before uploads were stripped: strip it before serving it
		if _, err := s.cleanFile(ctx, a.SHA256, a.ContentType); err != nil {
			return nil, Attachment{}, err
		}
		if a, err = s.get(ctx, s.db.R, number, id); err != nil {
			return nil, Attachment{}, err
		}
	}
	path := s.originalPath(a.SHA256, a.Ext())
	if thumb {
		path = s.thumbPath(a.SHA256)
		if !exists(path) { // lost, or removed to be made again
			if err := s.remakeThumb(ctx, a); err != nil {
				return nil, Attachment{}, err
			}
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, Attachment{}, errs.Wrap(err, "open attachment "+a.ID)
	}
	return f, a, nil
}

func (s *Service) remakeThumb(ctx context.Context, a Attachment) error {
	f := formatOf(a.ContentType)
	if f == nil {
		return errs.Wrap(errors.New("unknown content type "+a.ContentType), "remake thumbnail")
	}
	orig, err := os.Open(s.originalPath(a.SHA256, f.Ext))
	if err != nil {
		return errs.Wrap(err, "open attachment "+a.ID)
	}
	defer orig.Close()
	// The kept file is stripped, upright: no orientation to apply.
	if _, err := checkConfig(f, orig, false); err != nil {
		return errs.Wrap(errors.New(errs.As(err).MsgEn), "check attachment "+a.ID) // it passed once: ours
	}
	if _, err := orig.Seek(0, io.SeekStart); err != nil {
		return errs.Wrap(err, "read attachment")
	}
	if err := s.makeThumb(ctx, orig, f, s.thumbPath(a.SHA256)); err != nil {
		return errs.Wrap(err, "remake thumbnail of "+a.ID) // the kept file was good once: internal
	}
	return nil
}

// cleanName keeps a file name fit to store and to show: its last path
// element, valid UTF-8 without control, format (bidi, zero-width) or
// shell-special characters, at most MaxName characters with its extension.
func cleanName(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar:
		case strings.ContainsRune(`"*:<>?|;%$`+"`", r):
			b.WriteRune('_')
		case unicode.IsSpace(r):
			b.WriteRune(' ')
		default:
			b.WriteRune(r)
		}
	}
	name = strings.Trim(b.String(), ". ")
	if r := []rune(name); len(r) > MaxName {
		ext := []rune(filepath.Ext(name))
		if len(ext) > 10 {
			ext = nil
		}
		name = string(r[:MaxName-len(ext)]) + string(ext)
	}
	return name
}

func validID(id string) bool {
	if len(id) != 24 {
		return false
	}
	for _, c := range id {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

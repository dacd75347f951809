package needs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/plaintext"
	"github.com/gongzhi/gongzhi/internal/privacy"
)

// New is what it takes to register needs.
type New struct {
	// Phone is the resident's, when staff register for her; a resident
	// registers for herself.
	Phone      string   `json:"phone"`
	AreaCode   string   `json:"area_code"`
	Name       string   `json:"name"`
	Address    string   `json:"address"`
	Categories []string `json:"categories"`
	Note       string   `json:"note"`
	// Consent is her agreement to the text of ConsentVersion, which must be
	// the version now shown. InPerson is the staff's statement that she
	// gave it in person.
	Consent        bool   `json:"consent"`
	ConsentVersion string `json:"consent_version"`
	InPerson       bool   `json:"in_person"`
}

// Levels are where a resident may say she lives.
var Levels = []gov.Level{gov.LevelCommunity, gov.LevelGrid, gov.LevelCourtyard}

func clean(s *string, max int, zh, en string, required bool) error {
	*s = strings.TrimSpace(plaintext.Clean(*s))
	if (required && *s == "") || utf8.RuneCountInString(*s) > max || strings.ContainsAny(*s, "\r\n") {
		if required {
			return errs.New(errs.Invalid, fmt.Sprintf("%s不能为空，不超过%d字，且只占一行", zh, max), fmt.Sprintf("%s must be 1 to %d characters on one line", en, max))
		}
		return errs.New(errs.Invalid, fmt.Sprintf("%s不超过%d字，且只占一行", zh, max), fmt.Sprintf("%s must be at most %d characters on one line", en, max))
	}
	return nil
}

func (n *New) check() error {
	if !n.Consent || n.ConsentVersion != ConsentVersion {
		return errs.Invalidf("请阅读并同意当前的授权说明（%s）", "read and agree to the current consent text (%s)", ConsentVersion)
	}
	n.AreaCode = strings.TrimSpace(n.AreaCode)
	if !gov.ValidCode(n.AreaCode) {
		return errs.Invalidf("请选择居住的社区或网格", "choose the community or grid you live in")
	}
	if err := clean(&n.Name, MaxName, "称呼", "the name", false); err != nil {
		return err
	}
	if err := clean(&n.Address, MaxAddress, "住址", "the address", true); err != nil {
		return err
	}
	if err := clean(&n.Note, MaxNote, "补充说明", "the note", false); err != nil {
		return err
	}
	seen := map[string]bool{}
	var cats []string
	for _, c := range Categories { // in their order, once each
		for _, x := range n.Categories {
			if x == c && !seen[c] {
				seen[c] = true
				cats = append(cats, c)
			}
		}
	}
	for _, x := range n.Categories {
		if !ValidCategory(x) {
			return errs.Invalidf("需求类别不正确：%s", "unknown category of need: %s", x)
		}
	}
	if len(cats) == 0 {
		return errs.Invalidf("请至少选择一项需求", "choose at least one need")
	}
	n.Categories = cats
	return nil
}

// committee tells whether u's organisation is a community or village
// committee.
func (s *Service) committee(ctx context.Context, q db.Queryer, u auth.User) (bool, error) {
	if !u.Role.IsStaff() || u.OrgCode == "" {
		return false, nil
	}
	o, err := gov.OrgQ(ctx, q, u.OrgCode)
	if errs.Is(err, errs.NotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return Committee(o.Kind), nil
}

// Register records the needs with her consent: the resident's own, or
// those staff enter for her with her consent given in person. Registering
// again replaces them, with the consent given again.
func (s *Service) Register(ctx context.Context, u auth.User, n New) (Registration, error) {
	if err := n.check(); err != nil {
		return Registration{}, err
	}
	onBehalf := false
	switch {
	case u.Role == auth.RoleResident && u.Phone != "":
		n.Phone = u.Phone
	case u.Role.IsStaff():
		n.Phone = auth.NormalizePhone(n.Phone)
		if !auth.ValidPhone(n.Phone) {
			return Registration{}, errPhone
		}
		if !n.InPerson {
			return Registration{}, errs.Invalidf("代为登记须由居民本人当面同意，并勾选“本人当面同意”", "staff register needs only with her consent given in person, stated as such")
		}
		onBehalf = true
	default:
		return Registration{}, errs.ErrForbidden
	}
	now := s.clock.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		area, err := gov.AreaQ(ctx, tx, n.AreaCode)
		if errs.Is(err, errs.NotFound) {
			return errs.Invalidf("区划 %s 不存在", "area %s does not exist", n.AreaCode)
		}
		if err != nil {
			return err
		}
		if !livable(area.Level) {
			return errs.Invalidf("请选择社区、网格或小区，%s 不是", "choose a community, a grid or a courtyard; %s is none", area.Name)
		}
		if onBehalf {
			committee, err := s.committee(ctx, tx, u)
			if err != nil {
				return err
			}
			if !CanActFor(u, committee, area.Code) {
				return errs.New(errs.Forbidden, "只有居民所在网格的网格员或社区工作人员可以代为登记", "only the grid workers and the community staff where she lives register for her")
			}
		}
		mode := ModeSelf
		if onBehalf {
			mode = ModeInPerson
		}
		var status string
		err = tx.QueryRowContext(ctx, `SELECT status FROM needs_registrations WHERE phone = $1`, n.Phone).Scan(&status)
		kind := "change"
		switch {
		case errors.Is(err, sql.ErrNoRows):
			kind = "register"
			_, err = tx.ExecContext(ctx, `INSERT INTO needs_registrations (phone, id, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)`,
				n.Phone, db.NewID(), StatusActive, db.Millis(now))
			if err != nil {
				return errs.Wrap(db.MapError(err), "insert registration")
			}
		case err != nil:
			return errs.Wrap(err, "read registration")
		case status == StatusWithdrawn:
			kind = "register"
		}
		_, err = tx.ExecContext(ctx, `UPDATE needs_registrations SET status = $1, area_code = $2, name = $3, address = $4, categories = $5, note = $6,
consent_version = $7, consent_at = $8, consent_mode = $9, recorded_by = $10, updated_at = $8, withdrawn_at = NULL WHERE phone = $11`,
			StatusActive, area.Code, n.Name, n.Address, strings.Join(n.Categories, ","), n.Note, ConsentVersion, db.Millis(now), mode, u.ID, n.Phone)
		if err != nil {
			return errs.Wrap(err, "write registration")
		}
		return s.event(ctx, tx, n.Phone, u, onBehalf, kind, map[string]any{"consent_version": ConsentVersion, "consent_mode": mode}, now)
	})
	if err != nil {
		return Registration{}, err
	}
	r, err := s.get(ctx, n.Phone)
	if onBehalf {
		r.Phone = privacy.Mask(r.Phone)
	}
	return r, err
}

func livable(l gov.Level) bool {
	for _, x := range Levels {
		if x == l {
			return true
		}
	}
	return false
}

const regCols = `r.id, r.phone, r.status, r.area_code, COALESCE(a.name, ''), r.name, r.address, r.categories, r.note, r.consent_version, r.consent_at, r.consent_mode, r.created_at, r.updated_at, r.withdrawn_at`
const regFrom = ` FROM needs_registrations r LEFT JOIN areas a ON a.code = r.area_code`

func (s *Service) scan(sc interface{ Scan(...any) error }) (Registration, error) {
	var r Registration
	var cats string
	var consent, withdrawn sql.NullInt64
	var created, updated int64
	if err := sc.Scan(&r.ID, &r.Phone, &r.Status, &r.AreaCode, &r.AreaName, &r.Name, &r.Address, &cats, &r.Note, &r.ConsentVersion, &consent, &r.ConsentMode, &created, &updated, &withdrawn); err != nil {
		return Registration{}, err
	}
	r.Categories = []string{}
	if cats != "" {
		r.Categories = strings.Split(cats, ",")
	}
	r.ConsentAt, r.WithdrawnAt, r.CreatedAt, r.UpdatedAt = s.opt(consent), s.opt(withdrawn), s.at(created), s.at(updated)
	return r, nil
}

func (s *Service) get(ctx context.Context, phone string) (Registration, error) {
	r, err := s.scan(s.db.R.QueryRowContext(ctx, `SELECT `+regCols+regFrom+` WHERE r.phone = $1`, phone))
	if errors.Is(err, sql.ErrNoRows) {
		return Registration{}, errNotFound
	}
	return r, errs.Wrap(err, "read registration")
}

// Mine returns u's own registration; its status is none when she never
// registered.
func (s *Service) Mine(ctx context.Context, u auth.User) (Registration, error) {
	if u.Role != auth.RoleResident || u.Phone == "" {
		return Registration{}, errs.ErrForbidden
	}
	r, err := s.get(ctx, u.Phone)
	if errs.Is(err, errs.NotFound) {
		return Registration{Status: StatusNone, Phone: u.Phone, Categories: []string{}}, nil
	}
	return r, err
}

// Withdraw withdraws u's consent: her needs, her address and the visits
// to her are removed, so they are shown to nobody; the withdrawal remains
// as an event, and the record of past reads stays hers to see.
func (s *Service) Withdraw(ctx context.Context, u auth.User) (Registration, error) {
	if u.Role != auth.RoleResident || u.Phone == "" {
		return Registration{}, errs.ErrForbidden
	}
	now := s.clock.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		x, err := tx.ExecContext(ctx, `UPDATE needs_registrations SET status = $1, area_code = '', name = '', address = '', categories = '', note = '',
consent_mode = '', recorded_by = '', updated_at = $2, withdrawn_at = $2 WHERE phone = $3 AND status = $4`, StatusWithdrawn, db.Millis(now), u.Phone, StatusActive)
		if err != nil {
			return errs.Wrap(err, "withdraw")
		}
		if n, _ := x.RowsAffected(); n == 0 {
			return errs.Conflictf("没有可撤回的同意", "there is no consent to withdraw")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM needs_visits WHERE phone = $1`, u.Phone); err != nil {
			return errs.Wrap(err, "remove visits")
		}
		return s.event(ctx, tx, u.Phone, u, false, "withdraw", nil, now)
	})
	if err != nil {
		return Registration{}, err
	}
	return s.get(ctx, u.Phone)
}

// Reads returns who read u's needs, latest first.
func (s *Service) Reads(ctx context.Context, u auth.User) ([]Read, error) {
	if u.Role != auth.RoleResident || u.Phone == "" {
		return nil, errs.ErrForbidden
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT x.at, x.actor_name, COALESCE(o.name, ''), x.reason FROM needs_reads x
LEFT JOIN orgs o ON o.code = x.org_code WHERE x.phone = $1 ORDER BY x.at DESC LIMIT $2`, u.Phone, MaxReads)
	if err != nil {
		return nil, errs.Wrap(err, "reads")
	}
	defer rows.Close()
	out := []Read{}
	for rows.Next() {
		var r Read
		var at int64
		if err := rows.Scan(&at, &r.ActorName, &r.OrgName, &r.Reason); err != nil {
			return nil, errs.Wrap(err, "scan read")
		}
		r.At = s.at(at)
		out = append(out, r)
	}
	return out, errs.Wrap(rows.Err(), "reads")
}

// NeedsOf returns the categories of need the phone's resident registered
// and has not withdrawn, none otherwise: for showing her, on her own
// pages, the services that fit her. It is no read by staff and must not
// be shown to anyone but her.
func (s *Service) NeedsOf(ctx context.Context, phone string) ([]string, error) {
	var cats string
	err := s.db.R.QueryRowContext(ctx, `SELECT categories FROM needs_registrations WHERE phone = $1 AND status = $2`, phone, StatusActive).Scan(&cats)
	if errors.Is(err, sql.ErrNoRows) || cats == "" {
		return []string{}, nil
	}
	if err != nil {
		return nil, errs.Wrap(err, "needs of")
	}
	return strings.Split(cats, ","), nil
}

// Places are the areas a resident may say she lives in: the communities,
// grids and courtyards, at most 500, by code.
func (s *Service) Places(ctx context.Context) ([]gov.Area, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT code, name, level FROM areas WHERE level IN ('community', 'grid', 'courtyard') ORDER BY code LIMIT 500`)
	if err != nil {
		return nil, errs.Wrap(err, "places")
	}
	defer rows.Close()
	out := []gov.Area{}
	for rows.Next() {
		var a gov.Area
		if err := rows.Scan(&a.Code, &a.Name, &a.Level); err != nil {
			return nil, errs.Wrap(err, "scan place")
		}
		out = append(out, a)
	}
	return out, errs.Wrap(rows.Err(), "places")
}

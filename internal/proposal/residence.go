package proposal

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"io"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Sources of a residence link.
const (
	SourceStaff  = "staff"
	SourceImport = "import"
)

// Residence is one area a resident is linked to.
type Residence struct {
	AreaCode   string    `json:"area_code"`
	AreaName   string    `json:"area_name"`
	Level      gov.Level `json:"level"`
	Phone      string    `json:"phone"`
	Source     string    `json:"source"`
	VerifiedAt time.Time `json:"verified_at"`
}

var errPhone = errs.Invalidf("手机号格式不正确", "malformed mobile number")

// VerifyResident links the phone to the area, as u verified it. Linking again
// refreshes the verification.
func (s *Service) VerifyResident(ctx context.Context, u auth.User, areaCode, phone string) (Residence, error) {
	phone = auth.NormalizePhone(phone)
	if !auth.ValidPhone(phone) {
		return Residence{}, errPhone
	}
	if !gov.ValidCode(areaCode) {
		return Residence{}, errArea
	}
	if !CanVerify(u, areaCode) {
		return Residence{}, errs.ErrForbidden
	}
	var r Residence
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		r, err = s.link(ctx, tx, u, areaCode, phone, SourceStaff)
		return err
	})
	return r, err
}

func (s *Service) link(ctx context.Context, tx *sql.Tx, u auth.User, areaCode, phone, source string) (Residence, error) {
	a, err := gov.AreaQ(ctx, tx, areaCode)
	if err != nil {
		return Residence{}, err
	}
	now := s.clock.Now()
	_, err = tx.ExecContext(ctx, `INSERT INTO area_residents (area_code, phone, verified_by, verified_at, source) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (area_code, phone) DO UPDATE SET verified_by = excluded.verified_by, verified_at = excluded.verified_at, source = excluded.source`,
		areaCode, phone, u.ID, db.Millis(now), source)
	if err != nil {
		return Residence{}, errs.Wrap(err, "link resident")
	}
	return Residence{AreaCode: a.Code, AreaName: a.Name, Level: a.Level, Phone: phone, Source: source, VerifiedAt: now.In(s.loc)}, nil
}

// ImportResult tells how an import of residents went.
type ImportResult struct {
	Done   int      `json:"done"`
	Errors []string `json:"errors"`
}

// ImportResidents links residents from CSV lines "phone,area_code"; a first
// line that holds no phone is a header. Lines u may not link, or that are malformed, are
// reported by line number and skipped; the rest go in one transaction.
func (s *Service) ImportResidents(ctx context.Context, u auth.User, r io.Reader) (ImportResult, error) {
	if !CanManageResidents(u) {
		return ImportResult{}, errs.ErrForbidden
	}
	rows, err := readCSV(r, 2)
	if err != nil {
		return ImportResult{}, err
	}
	res := ImportResult{Errors: []string{}}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		for i, row := range rows {
			phone, code := auth.NormalizePhone(row[0]), strings.TrimSpace(row[1])
			if i == 0 && !auth.ValidPhone(phone) { // a header line
				continue
			}
			switch {
			case !auth.ValidPhone(phone):
				res.Errors = append(res.Errors, fmt.Sprintf("第%d行：手机号格式不正确 / line %d: malformed mobile number", i+1, i+1))
			case !gov.ValidCode(code) || !CanVerify(u, code):
				res.Errors = append(res.Errors, fmt.Sprintf("第%d行：无权核实该区划的居民 / line %d: not your area", i+1, i+1))
			default:
				if _, err := s.link(ctx, tx, u, code, phone, SourceImport); err != nil {
					if errs.Is(err, errs.NotFound) {
						res.Errors = append(res.Errors, fmt.Sprintf("第%d行：区划不存在 / line %d: no such area", i+1, i+1))
						continue
					}
					return err
				}
				res.Done++
			}
		}
		return nil
	})
	return res, err
}

// readCSV reads at most MaxImportRows lines of exactly n fields.
func readCSV(r io.Reader, n int) ([][]string, error) {
	cr := csv.NewReader(io.LimitReader(r, 1<<20))
	cr.FieldsPerRecord = n
	cr.TrimLeadingSpace = true
	var rows [][]string
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, errs.Invalidf("CSV 格式不正确：每行应为%d列", "malformed CSV: each line must have %d fields", n)
		}
		if len(rows) >= MaxImportRows {
			return nil, errs.Invalidf("一次最多导入%d行", "at most %d lines at once", MaxImportRows)
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, errs.Invalidf("文件为空", "the file is empty")
	}
	return rows, nil
}

// ResidentAreas returns the areas the phone is linked to.
func (s *Service) ResidentAreas(ctx context.Context, phone string) ([]Residence, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT r.area_code, a.name, a.level, r.source, r.verified_at FROM area_residents r
JOIN areas a ON a.code = r.area_code WHERE r.phone = $1 ORDER BY r.area_code LIMIT 50`, phone)
	if err != nil {
		return nil, errs.Wrap(err, "resident areas")
	}
	defer rows.Close()
	out := []Residence{}
	for rows.Next() {
		var x Residence
		var at int64
		if err := rows.Scan(&x.AreaCode, &x.AreaName, &x.Level, &x.Source, &at); err != nil {
			return nil, errs.Wrap(err, "scan residence")
		}
		x.Phone, x.VerifiedAt = phone, s.at(at)
		out = append(out, x)
	}
	return out, errs.Wrap(rows.Err(), "resident areas")
}

// ProposalAreas are the areas u may raise proposals in, with their levels:
// each area she is linked to and those above it, at the four levels,
// nearest first.
func (s *Service) ProposalAreas(ctx context.Context, u auth.User) ([]gov.Area, error) {
	if u.Role != auth.RoleResident || u.Phone == "" {
		return []gov.Area{}, nil
	}
	links, err := s.ResidentAreas(ctx, u.Phone)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	out := []gov.Area{}
	for _, l := range links {
		path, err := s.gov.AreaPath(ctx, l.AreaCode)
		if err != nil {
			return nil, err
		}
		for i := len(path) - 1; i >= 0; i-- {
			if a := path[i]; ValidLevel(a.Level) && !seen[a.Code] {
				seen[a.Code] = true
				out = append(out, a)
			}
		}
	}
	return out, nil
}

// livesIn reports whether the phone is linked to the area or an area below it.
func livesIn(ctx context.Context, q db.Queryer, phone, areaCode string) (bool, error) {
	return disclosure.LivesIn(ctx, q, phone, areaCode)
}

// LivesIn reports whether u is a resident of the area.
func (s *Service) LivesIn(ctx context.Context, u auth.User, areaCode string) (bool, error) {
	if u.Role != auth.RoleResident {
		return false, nil
	}
	return livesIn(ctx, s.db.R, u.Phone, areaCode)
}

// forResident is the resident a proposal or co-signature is for: u
// herself, or the resident with the phone when staff enter it for her (the
// area is checked where it is known, CanActFor).
func forResident(u auth.User, phone string) (auth.User, error) {
	if phone == "" {
		return u, nil
	}
	if !u.Role.IsStaff() {
		return auth.User{}, errs.New(errs.Forbidden, "只有工作人员可以代居民办理", "only staff act for a resident")
	}
	phone = auth.NormalizePhone(phone)
	if !auth.ValidPhone(phone) {
		return auth.User{}, errs.Invalidf("居民手机号应为11位数字", "the resident's phone must be 11 digits")
	}
	return auth.User{Role: auth.RoleResident, Phone: phone}, nil
}

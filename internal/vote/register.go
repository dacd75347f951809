package vote

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// UnitIn is a unit to add to the register: its building-unit-room name,
// its floor area in square metres (a decimal with at most two places) and
// its owner's phone.
type UnitIn struct {
	Unit   string `json:"unit"`
	AreaM2 string `json:"area_m2"`
	Owner  string `json:"owner"`
}

type unitRow struct {
	unit  string
	area  Area
	owner string
}

// checkUnit cleans and validates one unit; where names it in an error
// ("第3行" / "line 3").
func checkUnit(in UnitIn, whereZH, whereEN string) (unitRow, error) {
	name := strings.TrimSpace(plaintext.Clean(in.Unit))
	if name == "" || utf8.RuneCountInString(name) > MaxUnitName || strings.ContainsAny(name, "\r\n") {
		return unitRow{}, invalid(fmt.Sprintf("%s：房号不能为空且不超过%d字", whereZH, MaxUnitName), fmt.Sprintf("%s: the unit must be 1 to %d characters", whereEN, MaxUnitName))
	}
	a, ok := ParseArea(in.AreaM2)
	if !ok {
		return unitRow{}, invalid(whereZH+"：面积须为大于0、不超过100000的数，最多两位小数（如 89.50）", whereEN+": the floor area must be a number above 0 and at most 100000 with at most two decimals (89.50)")
	}
	owner := auth.NormalizePhone(in.Owner)
	if !auth.ValidPhone(owner) {
		return unitRow{}, invalid(whereZH+"：业主手机号不正确", whereEN+": the owner's phone is not a mobile number")
	}
	return unitRow{unit: name, area: a, owner: owner}, nil
}

// checkUnits validates a batch, each named by label(i), and refuses a unit
// twice in it.
func checkUnits(in []UnitIn, label func(i int) (string, string)) ([]unitRow, error) {
	if len(in) == 0 {
		return nil, errs.Invalidf("没有房屋", "no units")
	}
	if len(in) > MaxUnits {
		return nil, errs.New(errs.TooLarge, fmt.Sprintf("一次表决最多%d户", MaxUnits), fmt.Sprintf("a vote holds at most %d units", MaxUnits))
	}
	out := make([]unitRow, 0, len(in))
	seen := make(map[string]int, len(in))
	for i, x := range in {
		zh, en := label(i)
		r, err := checkUnit(x, zh, en)
		if err != nil {
			return nil, err
		}
		if j, dup := seen[r.unit]; dup {
			zj, ej := label(j)
			return nil, invalid(fmt.Sprintf("%s：房号 %s 与%s重复", zh, r.unit, zj), fmt.Sprintf("%s: unit %s repeats %s", en, r.unit, ej))
		}
		seen[r.unit] = i
		out = append(out, r)
	}
	return out, nil
}

func itemLabel(i int) (string, string) {
	return fmt.Sprintf("第%d户", i+1), fmt.Sprintf("unit #%d", i+1)
}

// ParseCSV reads a register in CSV: columns unit, area_m2, owner, with an
// optional header line. The first bad line is reported by its number and
// nothing is taken.
func ParseCSV(r io.Reader) ([]UnitIn, error) {
	b, err := io.ReadAll(io.LimitReader(r, 4<<20+1))
	if err != nil {
		return nil, errs.Invalidf("读取文件失败", "could not read the file")
	}
	if len(b) > 4<<20 {
		return nil, errs.New(errs.TooLarge, "文件不能超过4 MB", "the file must be at most 4 MB")
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(b) {
		return nil, errs.Invalidf("文件须为 UTF-8 编码的 CSV", "the file must be CSV in UTF-8")
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	var out []UnitIn
	var lines []int
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, errs.Invalidf("第%d行：CSV 格式不正确", "line %d: malformed CSV", pe.Line)
		} else if err != nil {
			return nil, errs.Invalidf("CSV 格式不正确", "malformed CSV")
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(out) == 0 && len(lines) == 0 && isHeader(rec) {
			continue
		}
		if len(rec) != 3 {
			return nil, errs.Invalidf("第%d行：须为三列：房号,面积,业主手机号", "line %d: three columns are needed: unit,area_m2,owner", line)
		}
		if len(out) >= MaxUnits {
			return nil, errs.New(errs.TooLarge, fmt.Sprintf("一次表决最多%d户", MaxUnits), fmt.Sprintf("a vote holds at most %d units", MaxUnits))
		}
		out = append(out, UnitIn{Unit: rec[0], AreaM2: rec[1], Owner: rec[2]})
		lines = append(lines, line)
	}
	_, err = checkUnits(out, func(i int) (string, string) {
		return fmt.Sprintf("第%d行", lines[i]), fmt.Sprintf("line %d", lines[i])
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func isHeader(rec []string) bool {
	h := strings.ToLower(strings.TrimSpace(rec[0]))
	return h == "unit" || h == "房号" || h == "房屋"
}

// AddUnits adds units to the register of a vote that has no ballot yet.
func (s *Service) AddUnits(ctx context.Context, u auth.User, id string, in []UnitIn) (Vote, error) {
	rows, err := checkUnits(in, itemLabel)
	if err != nil {
		return Vote{}, err
	}
	v, err := s.Get(ctx, u, id)
	if err != nil {
		return Vote{}, err
	}
	if !CanRun(u, v) {
		return Vote{}, errs.New(errs.Forbidden, "只有组织表决的工作人员可以登记房屋", "only the staff running the vote keep its register")
	}
	now := s.clock.Now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		v, err := s.lock(ctx, tx, id)
		if err != nil {
			return err
		}
		if v.Status != StatusOpen || v.Ballots > 0 {
			return errs.Conflictf("表决已有投票或已结束，不能再登记房屋", "the vote has ballots or is closed: its register is fixed")
		}
		if v.Units+int64(len(rows)) > MaxUnits {
			return errs.New(errs.TooLarge, fmt.Sprintf("一次表决最多%d户", MaxUnits), fmt.Sprintf("a vote holds at most %d units", MaxUnits))
		}
		if err := s.insertUnits(ctx, tx, id, rows); err != nil {
			return err
		}
		return s.event(ctx, tx, id, "units_added", map[string]any{"units": len(rows)}, u, now)
	})
	if err != nil {
		return Vote{}, err
	}
	return s.Get(ctx, u, id)
}

func (s *Service) insertUnits(ctx context.Context, tx *sql.Tx, id string, rows []unitRow) error {
	have, err := tx.QueryContext(ctx, `SELECT unit FROM vote_units WHERE vote_id = $1`, id)
	if err != nil {
		return errs.Wrap(err, "read register")
	}
	old := map[string]bool{}
	for have.Next() {
		var n string
		if err := have.Scan(&n); err != nil {
			have.Close()
			return errs.Wrap(err, "read register")
		}
		old[n] = true
	}
	have.Close()
	for _, r := range rows {
		if old[r.unit] {
			return errs.Conflictf("房号 %s 已在登记册中", "unit %s is already in the register", r.unit)
		}
	}
	const per = 200
	for start := 0; start < len(rows); start += per {
		part := rows[start:min(start+per, len(rows))]
		var sb strings.Builder
		sb.WriteString(`INSERT INTO vote_units (vote_id, unit, area, owner) VALUES `)
		args := make([]any, 0, 4*len(part))
		for i, r := range part {
			if i > 0 {
				sb.WriteString(", ")
			}
			n := 4 * i
			fmt.Fprintf(&sb, "($%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4)
			args = append(args, id, r.unit, int64(r.area), r.owner)
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return errs.Wrap(err, "insert units")
		}
	}
	return nil
}

func invalid(zh, en string) error { return errs.New(errs.Invalid, zh, en) }

package proposal

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// MaxCourtyards is how many courtyards a community holds: the code's three
// digits of sequence, 001 to 999.
const MaxCourtyards = 999

// CreateCourtyard adds a courtyard (院落/小区) under a community. Its code is
// the community's code followed by a three-digit sequence, 001 upwards: the
// next after the highest courtyard code of that form under the community
// (110117001001 → 110117001001001, 110117001001002, …), so a courtyard is
// inside its community's prefix range like every other child area.
func (s *Service) CreateCourtyard(ctx context.Context, u auth.User, parentCode, name string) (gov.Area, error) {
	name = strings.TrimSpace(plaintext.Clean(name))
	if name == "" || utf8.RuneCountInString(name) > 100 || strings.ContainsAny(name, "\r\n\t") {
		return gov.Area{}, errs.Invalidf("名称不能为空且不超过100字", "name must be 1 to 100 characters")
	}
	if !gov.ValidCode(parentCode) || len(parentCode) > 36 {
		return gov.Area{}, errArea
	}
	var out gov.Area
	for try := 0; try < 3; try++ {
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			parent, err := gov.AreaQ(ctx, tx, parentCode)
			if err != nil {
				return err
			}
			if parent.Level != gov.LevelCommunity {
				return errs.Invalidf("院落只能建在社区之下", "a courtyard belongs under a community")
			}
			if !CanCreateCourtyard(u, parent) {
				return errs.ErrForbidden
			}
			code, err := nextCourtyardCode(ctx, tx, parent.Code)
			if err != nil {
				return err
			}
			out = gov.Area{Code: code, ParentCode: parent.Code, Name: name, Level: gov.LevelCourtyard}
			_, err = tx.ExecContext(ctx, `INSERT INTO areas (code, parent_code, name, level, population) VALUES ($1, $2, $3, $4, 0)`,
				out.Code, out.ParentCode, out.Name, string(out.Level))
			return errs.Wrap(db.MapError(err), "create courtyard")
		})
		if !db.IsUnique(err) {
			return out, err
		}
	}
	return gov.Area{}, errs.Conflictf("院落编号冲突，请重试", "courtyard code taken; try again")
}

func nextCourtyardCode(ctx context.Context, tx *sql.Tx, community string) (string, error) {
	lo, hi := gov.UnderRange(community)
	rows, err := tx.QueryContext(ctx, `SELECT code FROM areas WHERE parent_code = $1 AND code >= $2 AND code < $3 AND level = 'courtyard' ORDER BY code DESC LIMIT 2000`,
		community, lo, hi)
	if err != nil {
		return "", errs.Wrap(err, "courtyard codes")
	}
	defer rows.Close()
	high := 0
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return "", errs.Wrap(err, "scan code")
		}
		if seq := strings.TrimPrefix(c, community); len(seq) == 3 {
			if n, err := strconv.Atoi(seq); err == nil && n > high {
				high = n
			}
		}
	}
	if err := rows.Err(); err != nil {
		return "", errs.Wrap(err, "courtyard codes")
	}
	if high >= MaxCourtyards {
		return "", errs.Conflictf("该社区院落数已达上限%d", "the community already has %d courtyards", MaxCourtyards)
	}
	return fmt.Sprintf("%s%03d", community, high+1), nil
}

// SetPopulation sets an area's population.
func (s *Service) SetPopulation(ctx context.Context, u auth.User, code string, population int64) (gov.Area, error) {
	if !CanSetPopulation(u) {
		return gov.Area{}, errs.ErrForbidden
	}
	if population < 0 || population > MaxPopulation {
		return gov.Area{}, errs.Invalidf("人口数应在0到%d之间", "population must be 0 to %d", MaxPopulation)
	}
	a, err := s.gov.Area(ctx, code)
	if err != nil {
		return gov.Area{}, err
	}
	a.Population = population
	return a, s.gov.UpsertArea(ctx, a)
}

// ImportPopulation sets populations from CSV lines "area_code,population"; a
// first line whose second field is not a number is a header. Bad lines are
// reported and skipped.
func (s *Service) ImportPopulation(ctx context.Context, u auth.User, r io.Reader) (ImportResult, error) {
	if !CanSetPopulation(u) {
		return ImportResult{}, errs.ErrForbidden
	}
	rows, err := readCSV(r, 2)
	if err != nil {
		return ImportResult{}, err
	}
	res := ImportResult{Errors: []string{}}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		for i, row := range rows {
			code := strings.TrimSpace(row[0])
			n, perr := strconv.ParseInt(strings.TrimSpace(row[1]), 10, 64)
			if i == 0 && perr != nil {
				continue
			}
			if perr != nil || n < 0 || n > MaxPopulation || !gov.ValidCode(code) {
				res.Errors = append(res.Errors, fmt.Sprintf("第%d行：格式不正确 / line %d: malformed", i+1, i+1))
				continue
			}
			x, err := tx.ExecContext(ctx, `UPDATE areas SET population = $1 WHERE code = $2`, n, code)
			if err != nil {
				return errs.Wrap(err, "set population")
			}
			if k, _ := x.RowsAffected(); k == 0 {
				res.Errors = append(res.Errors, fmt.Sprintf("第%d行：区划不存在 / line %d: no such area", i+1, i+1))
				continue
			}
			res.Done++
		}
		return nil
	})
	return res, err
}

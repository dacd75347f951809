package meeting

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// NewRepresentative is a representative to put on an area's roster.
type NewRepresentative struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	OrgName string `json:"org_name"`
	Phone   string `json:"phone"`
}

// kindWords are the words a roster's CSV may name a kind by, besides its code.
var kindWords = map[string]string{
	"居民": KindResident, "居民代表": KindResident,
	"党员": KindPartyMember, "党员代表": KindPartyMember,
	"业委会": KindOwnersCommittee, "业主委员会": KindOwnersCommittee,
	"物业": KindProperty, "物业服务企业": KindProperty,
	"单位": KindOrganisation, "组织": KindOrganisation, "驻区单位": KindOrganisation, "社会组织": KindOrganisation,
}

func (r *NewRepresentative) check() error {
	r.Name = strings.TrimSpace(plaintext.Clean(r.Name))
	r.OrgName = strings.TrimSpace(plaintext.Clean(r.OrgName))
	r.Kind = strings.TrimSpace(r.Kind)
	if k, ok := kindWords[r.Kind]; ok {
		r.Kind = k
	}
	if err := oneLine(&r.Name, MaxName, "姓名", "the name"); err != nil {
		return err
	}
	if !ValidKind(r.Kind) {
		return errs.Invalidf("代表类别须为 resident、party_member、owners_committee、property 或 organisation", "kind must be resident, party_member, owners_committee, property or organisation")
	}
	if utf8.RuneCountInString(r.OrgName) > MaxOrgName || strings.ContainsAny(r.OrgName, "\r\n") {
		return errs.Invalidf("所在单位不超过%d字且只占一行", "the organisation must be one line of at most %d characters", MaxOrgName)
	}
	if r.OrgName == "" && r.Kind != KindResident && r.Kind != KindPartyMember {
		return errs.Invalidf("业委会、物业和单位代表须写明所在单位", "a representative of the owners' committee, the property company or an organisation names it")
	}
	if r.Phone = auth.NormalizePhone(r.Phone); r.Phone != "" && !auth.ValidPhone(r.Phone) {
		return errs.Invalidf("手机号格式不正确", "malformed mobile number")
	}
	return nil
}

// checkAll checks the representatives; a problem names its line (line 1
// is the first) when lines is set.
func checkAll(reps []NewRepresentative, lines []int) error {
	if len(reps) == 0 || len(reps) > MaxRoster {
		return errs.Invalidf("一次添加1到%d名代表", "add 1 to %d representatives at once", MaxRoster)
	}
	phones := map[string]int{}
	for i := range reps {
		n := i + 1
		if lines != nil {
			n = lines[i]
		}
		if err := reps[i].check(); err != nil {
			e := errs.As(err)
			return errs.New(errs.Invalid, fmt.Sprintf("第%d行：%s", n, e.Msg), fmt.Sprintf("line %d: %s", n, e.MsgEn))
		}
		if p := reps[i].Phone; p != "" {
			if first, dup := phones[p]; dup {
				return errs.Invalidf("第%d行：手机号与第%d行重复", "line %d: the same phone as line %d", n, first)
			}
			phones[p] = n
		}
	}
	return nil
}

// AddRepresentatives puts representatives on the roster of the meeting's
// area while the meeting is a draft; all or none.
func (s *Service) AddRepresentatives(ctx context.Context, u auth.User, id string, reps []NewRepresentative) (Meeting, error) {
	if err := checkAll(reps, nil); err != nil {
		return Meeting{}, err
	}
	return s.addRoster(ctx, u, id, reps, nil)
}

// ImportRoster reads representatives from CSV lines "name,kind,org_name"
// or "name,kind,org_name,phone" (a first line naming no kind is a header)
// and puts them on the roster like AddRepresentatives: a bad line is named
// and nothing is written.
func (s *Service) ImportRoster(ctx context.Context, u auth.User, id string, r io.Reader) (Meeting, error) {
	cr := csv.NewReader(io.LimitReader(r, 1<<20))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var reps []NewRepresentative
	var lines []int
	for n := 1; ; n++ {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Meeting{}, errs.Invalidf("第%d行：CSV 格式不正确", "line %d: malformed CSV", n)
		}
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue
		}
		if len(row) < 3 || len(row) > 4 {
			return Meeting{}, errs.Invalidf("第%d行：应为“姓名,类别,所在单位[,手机号]”", "line %d: want name,kind,org_name[,phone]", n)
		}
		rep := NewRepresentative{Name: row[0], Kind: strings.TrimSpace(row[1]), OrgName: row[2]}
		if len(row) == 4 {
			rep.Phone = row[3]
		}
		if _, word := kindWords[rep.Kind]; n == 1 && !ValidKind(rep.Kind) && !word {
			continue // a header
		}
		if len(reps) == MaxRoster {
			return Meeting{}, errs.Invalidf("一次最多导入%d名代表", "at most %d representatives at once", MaxRoster)
		}
		reps, lines = append(reps, rep), append(lines, n)
	}
	if err := checkAll(reps, lines); err != nil {
		return Meeting{}, err
	}
	return s.addRoster(ctx, u, id, reps, lines)
}

func (s *Service) addRoster(ctx context.Context, u auth.User, id string, reps []NewRepresentative, lines []int) (Meeting, error) {
	err := s.runTx(ctx, u, id, func(tx *sql.Tx, m Meeting, now time.Time) error {
		if m.Status != StatusDraft {
			return errs.Conflictf("会议通知发出后，本次会议的名单不再变动", "the roster of a meeting is fixed by its notice")
		}
		var have int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM meeting_representatives WHERE area_code = $1`, m.AreaCode).Scan(&have); err != nil {
			return errs.Wrap(err, "count roster")
		}
		if have+len(reps) > MaxRoster {
			return errs.Conflictf("名单最多%d人，已有%d人", "a roster holds at most %d; it has %d", MaxRoster, have)
		}
		ids := make([]string, len(reps))
		for i, r := range reps {
			ids[i] = db.NewID()
			_, err := tx.ExecContext(ctx, `INSERT INTO meeting_representatives (id, area_code, name, kind, org_name, phone, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, ids[i], m.AreaCode, r.Name, r.Kind, r.OrgName, r.Phone, u.ID, db.Millis(now)+int64(i))
			if db.IsUnique(err) {
				n := i + 1
				if lines != nil {
					n = lines[i]
				}
				return errs.Conflictf("第%[1]d行：手机号 %[2]s 已在名单中", "line %[1]d: the phone %[2]s is on the roster already", n, auth.MaskPhone(r.Phone))
			}
			if err != nil {
				return errs.Wrap(err, "insert representative")
			}
		}
		return s.event(ctx, tx, id, u, "", "roster_add", map[string]any{"representatives": ids}, now)
	})
	if err != nil {
		return Meeting{}, err
	}
	return s.Get(ctx, u, id)
}

// RemoveRepresentative takes a representative off the roster of the
// meeting's area while the meeting is a draft. The meetings she was
// noticed to keep her.
func (s *Service) RemoveRepresentative(ctx context.Context, u auth.User, id, repID string) (Meeting, error) {
	err := s.runTx(ctx, u, id, func(tx *sql.Tx, m Meeting, now time.Time) error {
		if m.Status != StatusDraft {
			return errs.Conflictf("会议通知发出后，本次会议的名单不再变动", "the roster of a meeting is fixed by its notice")
		}
		x, err := tx.ExecContext(ctx, `DELETE FROM meeting_representatives WHERE id = $1 AND area_code = $2`, repID, m.AreaCode)
		if err != nil {
			return errs.Wrap(err, "remove representative")
		}
		if n, _ := x.RowsAffected(); n == 0 {
			return errs.NotFoundf("名单中没有这位代表", "no such representative on the roster")
		}
		return s.event(ctx, tx, id, u, "", "roster_remove", map[string]any{"representative": repID}, now)
	})
	if err != nil {
		return Meeting{}, err
	}
	return s.Get(ctx, u, id)
}

// runTx runs fn on the locked meeting in a transaction when u runs it: not
// found when she may not see it, forbidden when she sees but does not run
// it.
func (s *Service) runTx(ctx context.Context, u auth.User, id string, fn func(tx *sql.Tx, m Meeting, now time.Time) error) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		m, err := s.lock(ctx, tx, id)
		if err != nil {
			return err
		}
		m, runs, err := s.access(ctx, tx, u, m)
		if err != nil {
			return err
		}
		if !runs {
			return errs.New(errs.Forbidden, "只有召集本议事会的工作人员可以办理", "only the staff who run the meeting may do this")
		}
		return fn(tx, m, s.clock.Now())
	})
}

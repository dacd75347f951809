package mediation

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// Duties on a committee.
const (
	DutyChair  = "chair"  // 主任
	DutyDeputy = "deputy" // 副主任
	DutyMember = "member" // 委员
)

// Member is one member of a committee.
type Member struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Phone  string `json:"phone"`
	UserID string `json:"user_id"`
	Duty   string `json:"duty"`
}

// Committee is a mediation committee with its members.
type Committee struct {
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	AreaCode string   `json:"area_code"`
	Members  []Member `json:"members"`
}

// Complete reports whether the committee has the members the law asks
// for (3 to 9): only then does it take cases.
func (c Committee) Complete() bool {
	return len(c.Members) >= MinMembers && len(c.Members) <= MaxMembers
}

// NewMember is one member as the committee's list gives her.
type NewMember struct {
	Name   string `json:"name"`
	Phone  string `json:"phone"`
	UserID string `json:"user_id"`
	Duty   string `json:"duty"`
}

var errCommittee = errs.NotFoundf("人民调解委员会不存在", "no such mediation committee")

// committeeQ reads a committee and its members.
func committeeQ(ctx context.Context, q db.Queryer, code string) (Committee, error) {
	o, err := gov.OrgQ(ctx, q, code)
	if errs.Is(err, errs.NotFound) || (err == nil && o.Kind != gov.KindMediationCommittee) {
		return Committee{}, errCommittee
	}
	if err != nil {
		return Committee{}, err
	}
	c := Committee{Code: o.Code, Name: o.Name, AreaCode: o.AreaCode, Members: []Member{}}
	rows, err := q.QueryContext(ctx, `SELECT id, name, phone, user_id, duty FROM mediation_members WHERE org_code = $1 AND duty <> 'former' ORDER BY seq`, code)
	if err != nil {
		return Committee{}, errs.Wrap(err, "committee members")
	}
	defer rows.Close()
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.ID, &m.Name, &m.Phone, &m.UserID, &m.Duty); err != nil {
			return Committee{}, errs.Wrap(err, "scan member")
		}
		c.Members = append(c.Members, m)
	}
	return c, errs.Wrap(rows.Err(), "committee members")
}

// Committee returns a committee with its members.
func (s *Service) Committee(ctx context.Context, code string) (Committee, error) {
	return committeeQ(ctx, s.db.R, code)
}

// Committees lists the committees whose area lies under the area (all with
// "").
func (s *Service) Committees(ctx context.Context, areaCode string) ([]Committee, error) {
	orgs, err := s.gov.Orgs(ctx, gov.OrgFilter{AreaCode: areaCode, Kind: gov.KindMediationCommittee})
	if err != nil {
		return nil, err
	}
	out := []Committee{}
	for _, o := range orgs {
		c, err := s.Committee(ctx, o.Code)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// SetMembers replaces the committee's membership: 3 to 9 members, one
// chair. A member still mediating an open case stays.
func (s *Service) SetMembers(ctx context.Context, u auth.User, code string, list []NewMember) (Committee, error) {
	if err := checkMembers(list); err != nil {
		return Committee{}, err
	}
	now := s.clock.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		c, err := committeeQ(ctx, tx, code)
		if err != nil {
			return err
		}
		if !CanKeepCommittee(u, c.Code, c.AreaCode) {
			return errs.ErrForbidden
		}
		if err := stayBusy(ctx, tx, c, list); err != nil {
			return err
		}
		byKey := map[string]string{}
		for _, old := range c.Members {
			byKey[old.Name+"\x00"+old.Phone] = old.ID
		}
		if _, err := tx.ExecContext(ctx, `UPDATE mediation_members SET seq = -seq - 1000 WHERE org_code = $1`, code); err != nil {
			return errs.Wrap(err, "reorder members")
		}
		kept := map[string]bool{}
		for i, m := range list {
			if id, ok := byKey[m.Name+"\x00"+m.Phone]; ok && !kept[id] {
				kept[id] = true
				if _, err := tx.ExecContext(ctx, `UPDATE mediation_members SET seq = $1, user_id = $2, duty = $3 WHERE id = $4`, i+1, m.UserID, m.Duty, id); err != nil {
					return errs.Wrap(err, "update member")
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO mediation_members (id, org_code, seq, name, phone, user_id, duty, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
				db.NewID(), code, i+1, m.Name, m.Phone, m.UserID, m.Duty, u.ID, db.Millis(now)); err != nil {
				return errs.Wrap(err, "insert member")
			}
		}
		for _, old := range c.Members {
			if !kept[old.ID] {
				if _, err := tx.ExecContext(ctx, `DELETE FROM mediation_members WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM mediation_mediators WHERE member_id = $1)`, old.ID); err != nil {
					return errs.Wrap(err, "remove member")
				}
				// One who mediated an ended case stays on its record, off the list.
				if _, err := tx.ExecContext(ctx, `UPDATE mediation_members SET seq = 0, duty = 'former' WHERE id = $1`, old.ID); err != nil {
					return errs.Wrap(err, "retire member")
				}
			}
		}
		names := make([]string, len(list))
		for i, m := range list {
			names[i] = m.Name
		}
		return s.committeeEvent(ctx, tx, u, code, names, now)
	})
	if err != nil {
		return Committee{}, err
	}
	return s.Committee(ctx, code)
}

// checkMembers checks and cleans a committee's new membership: 3 to 9
// members, one chair.
func checkMembers(list []NewMember) error {
	if len(list) < MinMembers || len(list) > MaxMembers {
		return errs.Invalidf("人民调解委员会由委员三至九人组成，现为%d人", "a mediation committee has 3 to 9 members, not %d", len(list))
	}
	chairs := 0
	for i := range list {
		m := &list[i]
		m.Name = strings.TrimSpace(plaintext.Clean(m.Name))
		if m.Name == "" || utf8.RuneCountInString(m.Name) > MaxName {
			return errs.Invalidf("第%d位委员的姓名须为1到30字", "member %d: the name must be 1 to 30 characters", i+1)
		}
		if m.Phone = strings.TrimSpace(m.Phone); m.Phone != "" {
			m.Phone = auth.NormalizePhone(m.Phone)
			if !auth.ValidPhone(m.Phone) {
				return errs.Invalidf("第%d位委员的手机号格式不正确", "member %d: malformed phone", i+1)
			}
		}
		m.UserID = strings.TrimSpace(m.UserID)
		if len(m.UserID) > 64 {
			return errs.Invalidf("第%d位委员的账号过长", "member %d: the account is too long", i+1)
		}
		if m.Duty == "" {
			m.Duty = DutyMember
		}
		switch m.Duty {
		case DutyChair:
			chairs++
		case DutyDeputy, DutyMember:
		default:
			return errs.Invalidf("第%d位委员的职务不正确", "member %d: unknown duty", i+1)
		}
	}
	if chairs != 1 {
		return errs.Invalidf("人民调解委员会须有一名主任", "a mediation committee has one chair")
	}
	return nil
}

// stayBusy refuses a membership that leaves out a member who mediates an
// open case (members are known again by the same name and phone).
func stayBusy(ctx context.Context, tx *sql.Tx, c Committee, list []NewMember) error {
	keep := map[string]bool{}
	for _, m := range list {
		keep[m.Name+"\x00"+m.Phone] = true
	}
	// Members who mediate an open case are kept by the same name and phone.
	for _, old := range c.Members {
		if keep[old.Name+"\x00"+old.Phone] {
			continue
		}
		var busy int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM mediation_mediators x JOIN mediation_cases c ON c.number = x.case_number
WHERE x.member_id = $1 AND c.status IN ('accepted', 'mediating')`, old.ID).Scan(&busy); err != nil {
			return errs.Wrap(err, "member's cases")
		}
		if busy > 0 {
			return errs.Conflictf("委员%s正在调解%d件案件，不能移出", "member %s mediates %d open cases and stays", old.Name, busy)
		}
	}
	return nil
}

// committeeEvent records the change of a membership in the log of the
// committee (under its code).
func (s *Service) committeeEvent(ctx context.Context, tx *sql.Tx, u auth.User, code string, names []string, now time.Time) error {
	return db.AppendEvent(ctx, tx, db.Event{Table: "mediation_events", KeyColumn: "case_number", Key: "committee:" + code, At: now, Actor: u.ID,
		Kind: "members", Detail: map[string]any{"members": len(names), "names": strings.Join(names, "、")}})
}

// ResidentArea sets *code to the area u was last verified to live in, for
// her application to go to its committee; "" when none.
func (s *Service) ResidentArea(ctx context.Context, u auth.User, code *string) error {
	*code = ""
	if !CanApply(u) {
		return nil
	}
	err := s.db.R.QueryRowContext(ctx, `SELECT area_code FROM area_residents WHERE phone = $1 ORDER BY verified_at DESC LIMIT 1`, u.Phone).Scan(code)
	if err == sql.ErrNoRows {
		return nil
	}
	return errs.Wrap(err, "her area")
}

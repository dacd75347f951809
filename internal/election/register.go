package election

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/privacy"
	"github.com/gongzhi/gongzhi/internal/vote"
)

// The register of an owners' committee election: units of the residential
// compound with their floor area and owner, checked by the owners' votes'
// rules (vote.CheckUnits, vote.ParseCSV), fixed at the first ballot. An
// owner votes once for all her units; her floor area is their sum.

var errFrozen = errs.Conflictf("选举已有投票或已结束，登记册和候选人不能再改", "the election has ballots or is closed: its register and candidates are fixed")

// AddUnits adds units to the register of an owners' committee election
// that has no ballot yet.
func (s *Service) AddUnits(ctx context.Context, u auth.User, id string, in []vote.UnitIn) (Election, error) {
	units, err := vote.CheckUnits(in)
	if err != nil {
		return Election{}, err
	}
	e, err := s.Get(ctx, u, id)
	if err != nil {
		return Election{}, err
	}
	switch {
	case !CanRun(u, e):
		return Election{}, errs.New(errs.Forbidden, "只有组织选举的工作人员可以登记房屋", "only the staff running the election keep its register")
	case e.Kind != KindOwnersCommittee:
		return Election{}, errs.Invalidf("居民代表选举的选民是本区域已核实的居民，没有房屋登记册", "a residents' representatives election has the verified residents of the area as its roll, not a register of units")
	}
	now := s.clock.Now()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		e, err := s.lock(ctx, tx, id)
		if err != nil {
			return err
		}
		if e.Status != StatusOpen || e.Ballots > 0 {
			return errFrozen
		}
		if e.Units+int64(len(units)) > vote.MaxUnits {
			return errs.New(errs.TooLarge, fmt.Sprintf("一次选举最多%d户", vote.MaxUnits), fmt.Sprintf("an election's register holds at most %d units", vote.MaxUnits))
		}
		if err := insertUnits(ctx, tx, id, units); err != nil {
			return err
		}
		return s.event(ctx, tx, id, "units_added", map[string]any{"units": len(units)}, u, now)
	})
	if err != nil {
		return Election{}, err
	}
	return s.Get(ctx, u, id)
}

func insertUnits(ctx context.Context, tx *sql.Tx, id string, units []vote.Unit) error {
	have, err := tx.QueryContext(ctx, `SELECT unit FROM election_units WHERE election_id = $1`, id)
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
	for _, x := range units {
		if old[x.Unit] {
			return errs.Conflictf("房号 %s 已在登记册中", "unit %s is already in the register", x.Unit)
		}
	}
	const per = 200
	for start := 0; start < len(units); start += per {
		part := units[start:min(start+per, len(units))]
		var sb strings.Builder
		sb.WriteString(`INSERT INTO election_units (election_id, unit, area, owner) VALUES `)
		args := make([]any, 0, 4*len(part))
		for i, x := range part {
			if i > 0 {
				sb.WriteString(", ")
			}
			n := 4 * i
			fmt.Fprintf(&sb, "($%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4)
			args = append(args, id, x.Unit, int64(x.Area), x.Owner)
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return errs.Wrap(err, "insert units")
		}
	}
	return nil
}

// RegisterUnit is a unit of the register as its staff see it.
type RegisterUnit struct {
	Unit  string    `json:"unit"`
	Area  vote.Area `json:"area_m2"`
	Owner string    `json:"owner"` // masked
	Voted bool      `json:"voted"` // whether its owner's ballot is in
}

// Register returns the first limit units of the register, by name, to
// those who run the election; owners masked, no choice.
func (s *Service) Register(ctx context.Context, u auth.User, id string, limit int) ([]RegisterUnit, error) {
	e, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !CanSeeRegister(u, e) {
		return nil, errs.ErrForbidden
	}
	limit = max(1, min(limit, vote.MaxUnits))
	rows, err := s.db.R.QueryContext(ctx, `SELECT u.unit, u.area, u.owner, b.voter IS NOT NULL FROM election_units u
LEFT JOIN election_ballots b ON b.election_id = u.election_id AND b.voter = u.owner
WHERE u.election_id = $1 ORDER BY u.unit LIMIT `+fmt.Sprint(limit), id)
	if err != nil {
		return nil, errs.Wrap(err, "read register")
	}
	defer rows.Close()
	out := []RegisterUnit{}
	for rows.Next() {
		var x RegisterUnit
		var owner string
		if err := rows.Scan(&x.Unit, &x.Area, &owner, &x.Voted); err != nil {
			return nil, errs.Wrap(err, "scan register")
		}
		x.Owner = privacy.Mask(owner)
		out = append(out, x)
	}
	return out, errs.Wrap(rows.Err(), "read register")
}

package vote

// Unit is a checked unit of a register: its name, its floor area and its
// owner's phone as auth.NormalizePhone writes it. Other capabilities that
// keep a register of the same shape (the owners' committee elections) take
// it from CheckUnits or ParseCSV, so the rules of a register live here once.
type Unit struct {
	Unit  string
	Area  Area
	Owner string
}

// CheckUnits validates a batch of units as AddUnits does (at most MaxUnits,
// each named by its place in the batch in an error, no unit twice) and
// returns them cleaned.
func CheckUnits(in []UnitIn) ([]Unit, error) {
	rows, err := checkUnits(in, itemLabel)
	if err != nil {
		return nil, err
	}
	out := make([]Unit, len(rows))
	for i, r := range rows {
		out[i] = Unit{Unit: r.unit, Area: r.area, Owner: r.owner}
	}
	return out, nil
}

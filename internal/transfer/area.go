package transfer

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// How the rows of a table go into an export of one area (`gongzhi export
// --area CODE`), the export that moves a district or a street to a
// database of its own.
const (
	// ClassArea: the table has an area code column (named area_code, or a
	// foreign key to areas); its rows under the area go.
	ClassArea = "area"
	// ClassLinked: no area column, but a foreign-key path to a table that
	// has one; a row goes when one of the rows it points at goes.
	ClassLinked = "linked"
	// ClassWhole: installation-wide (catalogue, calendar, settings); every
	// row goes.
	ClassWhole = "installation-wide"
	// ClassStays: not movable by area; only the rows that rows which go
	// point at go.
	ClassStays = "stays"
)

// areaTable is the table of the area tree and its key.
const (
	areaTable = "areas"
	areaKey   = "code"
)

// foreignKey is one single-column foreign key of a table.
type foreignKey struct {
	Column, Parent, ParentColumn string
	declared                     bool // by byArea, not the schema
}

// areaPlan says which rows of each table an export of one area writes.
type areaPlan struct {
	code    string
	engine  string
	class   map[string]string
	areaCol map[string][]string
	cols    map[string][]string
	fks     map[string][]foreignKey
	// extra are the keys of rows that do not belong to the area but that
	// rows which go point at: parent areas, orgs that handled a ticket.
	extra map[string]map[string]map[string]bool // table → column → SQL literals
}

// validAreaCode accepts a code as areas hold them: ASCII letters, digits,
// '-' and '_' (see gov.UnderRange), so that it can stand in SQL as a literal.
func validAreaCode(code string) error {
	if code == "" || len(code) > 64 {
		return errs.Invalidf("区域代码无效：%q", "invalid area code: %q", code)
	}
	for _, r := range code {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return errs.Invalidf("区域代码无效：%q", "invalid area code: %q", code)
		}
	}
	return nil
}

// quote writes a value as an SQL literal.
func quote(v any) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case []byte:
		return quote(string(x))
	case string:
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	}
	return quote(fmt.Sprint(v))
}

// classify finds each table's class: area and linked from the catalogue,
// the others from the reviewed list byArea. A table in no class, or a
// reviewed entry that the catalogue contradicts, is an error, so that a
// new table forces a decision.
func classify(ctx context.Context, tx *sql.Tx, engine string, tables []Table) (*areaPlan, error) {
	p := &areaPlan{class: map[string]string{}, areaCol: map[string][]string{}, cols: map[string][]string{}, fks: map[string][]foreignKey{},
		extra: map[string]map[string]map[string]bool{}}
	for _, t := range tables { // parents before children
		fks, err := foreignKeys(ctx, tx, engine, t.Name)
		if err != nil {
			return nil, fmt.Errorf("foreign keys of %s: %w", t.Name, err)
		}
		p.fks[t.Name] = fks
		types, _, err := tableColumns(ctx, tx, engine, t.Name)
		if err != nil {
			return nil, err
		}
		p.areaCol[t.Name] = areaColumns(t.Name, types, fks)
		for _, ct := range types {
			p.cols[t.Name] = append(p.cols[t.Name], strings.ToLower(ct.Name()))
		}
	}
	problems := p.placeAll(tables)
	if len(problems) > 0 {
		sort.Strings(problems)
		return p, fmt.Errorf("export by area: the tables' classes need a review: %s", strings.Join(problems, "; "))
	}
	return p, nil
}

// place sets a table's class where the catalogue (or a link of byArea)
// leads it to the area, and says whether it did and what is wrong.
func (p *areaPlan) place(table string) (placed bool, problem string) {
	reviewed, listed := byArea[table]
	switch {
	case len(p.areaCol[table]) > 0:
		p.class[table] = ClassArea
	case p.anchored(table):
		p.class[table] = ClassLinked
	case listed && reviewed.Link.Column != "":
		// A key the schema does not declare (an event log's subject).
		l := reviewed.Link
		l.declared = true
		p.fks[table] = append(p.fks[table], l)
		if !p.anchored(table) {
			p.fks[table] = p.fks[table][:len(p.fks[table])-1]
			return false, "its link in byArea leads to " + l.Parent + ", which does not move by area"
		}
		p.class[table] = ClassLinked
		return true, ""
	default:
		return false, ""
	}
	if listed {
		return true, "listed in byArea but placed as " + p.class[table] + " by the catalogue: remove it"
	}
	return true, ""
}

// placeAll places every table: by the catalogue and byArea's links, again
// and again while that places more (a link may lead to a table placed
// after it), then by byArea's classes; it returns what is wrong.
func (p *areaPlan) placeAll(tables []Table) []string {
	var problems, pending []string
	for _, t := range tables {
		pending = append(pending, t.Name)
	}
	for progress := true; progress; {
		progress = false
		var next []string
		for _, n := range pending {
			placed, problem := p.place(n)
			if problem != "" && placed {
				problems = append(problems, n+" ("+problem+")")
			}
			if placed {
				progress = true
			} else {
				next = append(next, n)
			}
		}
		pending = next
	}
	for _, n := range pending {
		_, problem := p.place(n)
		reviewed, listed := byArea[n]
		switch {
		case problem != "":
			problems = append(problems, n+" ("+problem+")")
		case !listed:
			problems = append(problems, n+" (in no class: add it to byArea)")
		case reviewed.Class != ClassWhole && reviewed.Class != ClassStays:
			problems = append(problems, n+" (byArea gives it no class)")
		default:
			p.class[n] = reviewed.Class
		}
	}
	return problems
}

// areaColumns are a table's columns holding an area code: area_code, and
// any column with a foreign key to the areas; the area tree's own key.
func areaColumns(table string, types []*sql.ColumnType, fks []foreignKey) []string {
	if table == areaTable {
		return []string{areaKey}
	}
	var cols []string
	for _, ct := range types {
		name := strings.ToLower(ct.Name())
		if name == "area_code" {
			cols = append(cols, name)
		}
	}
	for _, fk := range fks {
		if fk.Parent == areaTable && fk.Column != "area_code" {
			cols = append(cols, fk.Column)
		}
	}
	return cols
}

// anchors are the foreign keys of a table that lead to the area: to a
// table of the area or linked class, other than the area tree itself.
func (p *areaPlan) anchors(table string) []foreignKey {
	var out []foreignKey
	for _, fk := range p.fks[table] {
		c := p.class[fk.Parent]
		if fk.Parent != table && fk.Parent != areaTable && (c == ClassArea || c == ClassLinked) {
			out = append(out, fk)
		}
	}
	return out
}

func (p *areaPlan) anchored(table string) bool { return len(p.anchors(table)) > 0 }

// owned is the condition on a table's rows that belong to the area.
// A row of an area table whose area code is empty belongs to no area: it
// goes when a row it points at by a foreign key goes (a user without an
// area in an org that moves, an org-wide dispatch rule), else it stays.
func (p *areaPlan) owned(table string) string {
	switch p.class[table] {
	case ClassWhole:
		return "1=1"
	case ClassStays:
		return "1=0"
	}
	var viaParent []string
	for _, fk := range p.anchors(table) {
		viaParent = append(viaParent, fk.Column+" IN (SELECT "+fk.ParentColumn+" FROM "+fk.Parent+" WHERE "+p.owned(fk.Parent)+
			" AND "+fk.ParentColumn+" IS NOT NULL)")
	}
	if p.class[table] == ClassLinked {
		return "(" + strings.Join(viaParent, " OR ") + ")"
	}
	lo, hi := gov.UnderRange(p.code)
	collate := "" // codes compare byte by byte whatever the column's collation
	if p.engine == db.Postgres {
		collate = ` COLLATE "C"`
	}
	var in, empty []string
	for _, c := range p.areaCol[table] {
		in = append(in, "("+c+collate+" >= "+quote(lo)+" AND "+c+collate+" < "+quote(hi)+")")
		empty = append(empty, "("+c+" IS NULL OR "+c+" = '')")
	}
	cond := strings.Join(in, " OR ")
	if len(viaParent) > 0 {
		cond += " OR (" + strings.Join(empty, " AND ") + " AND (" + strings.Join(viaParent, " OR ") + "))"
	}
	return "(" + cond + ")"
}

// kept is the condition on the rows an export of the area writes: those
// of the area and those that rows which go point at.
func (p *areaPlan) kept(table string) string {
	cond := p.owned(table)
	cols := make([]string, 0, len(p.extra[table]))
	for c := range p.extra[table] {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	for _, c := range cols {
		lits := make([]string, 0, len(p.extra[table][c]))
		for l := range p.extra[table][c] {
			lits = append(lits, l)
		}
		sort.Strings(lits)
		cond = "(" + cond + " OR " + c + " IN (" + strings.Join(lits, ", ") + "))"
	}
	return cond
}

// resolve finds the rows outside the area that rows which go point at,
// so that every foreign key of the export points at a row of the export:
// the area's parents up to the root, then what the foreign keys point at,
// children before parents, then the orgs and areas named without a
// foreign key (the orgs that handled a ticket), and what those point at.
func (p *areaPlan) resolve(ctx context.Context, tx *sql.Tx, tables []Table) error {
	anc, err := scanNames(ctx, tx, `SELECT `+areaKey+` FROM `+areaTable+` WHERE `+areaKey+` <> `+quote(p.code)+
		` AND `+areaKey+` = substr(`+quote(p.code)+`, 1, length(`+areaKey+`)) ORDER BY `+areaKey)
	if err != nil {
		return fmt.Errorf("parents of %s: %w", p.code, err)
	}
	for _, a := range anc {
		p.addExtra(areaTable, areaKey, quote(a))
	}
	if err := p.followKeys(ctx, tx, tables); err != nil {
		return err
	}
	for _, t := range tables {
		if p.class[t.Name] == ClassWhole || p.class[t.Name] == ClassStays && len(p.extra[t.Name]) == 0 {
			continue
		}
		for _, ref := range namedRefs(p.cols[t.Name], p.fks[t.Name]) {
			exists := ` AND ` + ref.Column + ` IN (SELECT ` + ref.ParentColumn + ` FROM ` + ref.Parent + `)`
			if err := p.pointedAt(ctx, tx, t.Name, ref, exists); err != nil {
				return err
			}
		}
	}
	return p.followKeys(ctx, tx, tables)
}

// namedRefs are the columns that name an org or an area by their name
// alone (org_code, assigned_org_code, origin_area_code), without a foreign
// key; an area table's own area_code is under the area already.
func namedRefs(cols []string, fks []foreignKey) []foreignKey {
	keyed := map[string]bool{}
	for _, fk := range fks {
		keyed[fk.Column] = true
	}
	var out []foreignKey
	for _, c := range cols {
		switch {
		case keyed[c]:
		case c == "org_code" || strings.HasSuffix(c, "_org_code"):
			out = append(out, foreignKey{Column: c, Parent: "orgs", ParentColumn: "code"})
		case strings.HasSuffix(c, "_area_code"):
			out = append(out, foreignKey{Column: c, Parent: areaTable, ParentColumn: areaKey})
		}
	}
	return out
}

// followKeys adds what the foreign keys of the rows that go point at,
// children before parents.
func (p *areaPlan) followKeys(ctx context.Context, tx *sql.Tx, tables []Table) error {
	for i := len(tables) - 1; i >= 0; i-- {
		child := tables[i].Name
		if p.class[child] == ClassStays && len(p.extra[child]) == 0 {
			continue // no row of it goes
		}
		for _, fk := range p.fks[child] {
			if fk.Parent == child || fk.declared || p.class[fk.Parent] == ClassWhole || p.onlyThrough(child, fk) {
				continue
			}
			if err := p.pointedAt(ctx, tx, child, fk, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// onlyThrough reports whether every row of child that goes goes because
// the row fk points at belongs to the area: then fk points at no row outside.
func (p *areaPlan) onlyThrough(child string, fk foreignKey) bool {
	a := p.anchors(child)
	return p.class[child] == ClassLinked && len(p.extra[child]) == 0 && len(a) == 1 && a[0] == fk
}

// pointedAt adds the rows of fk's parent that rows of child which go point
// at and that do not belong to the area.
func (p *areaPlan) pointedAt(ctx context.Context, tx *sql.Tx, child string, fk foreignKey, and string) error {
	q := `SELECT DISTINCT ` + fk.Column + ` FROM ` + child + ` WHERE ` + p.kept(child) + ` AND ` + fk.Column + ` IS NOT NULL` + and +
		` AND NOT (` + fk.Column + ` IN (SELECT ` + fk.ParentColumn + ` FROM ` + fk.Parent + ` WHERE ` + p.owned(fk.Parent) +
		` AND ` + fk.ParentColumn + ` IS NOT NULL))`
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("rows %s points at in %s: %w", child, fk.Parent, err)
	}
	defer rows.Close()
	for rows.Next() {
		var v any
		if err := rows.Scan(&v); err != nil {
			return err
		}
		p.addExtra(fk.Parent, fk.ParentColumn, quote(v))
	}
	return rows.Err()
}

// summary tells how the export of the area places the tables.
func (p *areaPlan) summary() string {
	count := map[string]int{}
	for _, c := range p.class {
		count[c]++
	}
	pointed := 0
	for _, cols := range p.extra {
		for _, keys := range cols {
			pointed += len(keys)
		}
	}
	return fmt.Sprintf("export: area %s: tables by area %d, linked to them %d, installation-wide %d, staying %d; %d rows outside the area that its rows point at",
		p.code, count[ClassArea], count[ClassLinked], count[ClassWhole], count[ClassStays], pointed)
}

func (p *areaPlan) addExtra(table, col, lit string) {
	if p.extra[table] == nil {
		p.extra[table] = map[string]map[string]bool{}
	}
	if p.extra[table][col] == nil {
		p.extra[table][col] = map[string]bool{}
	}
	p.extra[table][col][lit] = true
}

// areaTables are the tables an export of one area writes, each with the
// condition on its rows; the manifest names the area and what stays.
func areaTables(ctx context.Context, tx *sql.Tx, engine string, tables []Table, code string, m *Manifest, progress io.Writer) ([]Table, error) {
	if err := validAreaCode(code); err != nil {
		return nil, err
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+areaTable+` WHERE `+areaKey+` = $1`, code).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, errs.Invalidf("没有代码为 %s 的区域", "there is no area with code %s", code)
	}
	p, err := classify(ctx, tx, engine, tables)
	if err != nil {
		return nil, err
	}
	p.code, p.engine = code, engine
	if err := p.resolve(ctx, tx, tables); err != nil {
		return nil, err
	}
	var out []Table
	var stays []string
	for _, t := range tables {
		if p.class[t.Name] == ClassStays && len(p.extra[t.Name]) == 0 {
			stays = append(stays, t.Name)
			continue
		}
		if p.class[t.Name] != ClassWhole {
			t.Where = p.kept(t.Name)
		}
		out = append(out, t)
	}
	if progress != nil {
		fmt.Fprintln(progress, p.summary())
	}
	m.Area = code
	m.Excluded = append(m.Excluded, "rows of other areas than "+code+" (but the parent areas and what the rows point at)")
	if len(stays) > 0 {
		m.Excluded = append(m.Excluded, "tables not movable by area: "+strings.Join(stays, ", "))
	}
	return out, nil
}

// AreaClasses tells, for every table an export writes, how an export of
// one area treats it (ClassArea, ClassLinked, ClassWhole, ClassStays); the
// error names the tables no class holds.
func AreaClasses(ctx context.Context, d *db.DB) (map[string]string, error) {
	var classes map[string]string
	err := d.ReadTx(ctx, func(tx *sql.Tx) error {
		tables, err := exportTables(ctx, tx, d.Engine)
		if err != nil {
			return err
		}
		p, err := classify(ctx, tx, d.Engine, tables)
		if p != nil {
			classes = p.class
		}
		return err
	})
	return classes, err
}

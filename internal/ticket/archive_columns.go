package ticket

import (
	"context"
	"database/sql"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// column is one column of a table as PostgreSQL's catalogue describes it.
type column struct {
	name, typ, collation, def string
	notNull, generated        bool
}

// columns are the columns of table (a quoted, schema-qualified name).
func columns(ctx context.Context, tx *sql.Tx, table string) (map[string]column, []string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT a.attname, format_type(a.atttypid, a.atttypmod),
  COALESCE(CASE WHEN a.attcollation <> t.typcollation THEN quote_ident(co.collname) END, ''),
  COALESCE(pg_get_expr(d.adbin, d.adrelid), ''), a.attnotnull, a.attgenerated <> ''
FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`, table)
	if err != nil {
		return nil, nil, errs.Wrap(err, "columns of "+table)
	}
	defer rows.Close()
	out := map[string]column{}
	var order []string
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.name, &c.typ, &c.collation, &c.def, &c.notNull, &c.generated); err != nil {
			return nil, nil, errs.Wrap(err, "columns of "+table)
		}
		out[c.name] = c
		order = append(order, c.name)
	}
	return out, order, errs.Wrap(rows.Err(), "columns of "+table)
}

// alignColumns makes the archived table's columns those of the live one,
// for a month archived before a migration changed the live table: a column
// added since is added (its rows take its default), one dropped since is
// dropped, a changed type is converted and a NOT NULL set. It returns the
// columns rows are copied by (the live table's, less generated ones).
func alignColumns(ctx context.Context, tx *sql.Tx, liveTable, archivedTable string) ([]string, error) {
	want, order, err := columns(ctx, tx, liveTable)
	if err != nil {
		return nil, err
	}
	have, _, err := columns(ctx, tx, archivedTable)
	if err != nil {
		return nil, err
	}
	var alters, copyCols []string
	for name := range have {
		if _, ok := want[name]; !ok {
			alters = append(alters, `DROP COLUMN `+ident(name))
		}
	}
	for _, name := range order {
		w := want[name]
		h, ok := have[name]
		typ := w.typ
		if w.collation != "" {
			typ += " COLLATE " + w.collation
		}
		switch {
		case !ok && w.generated:
			alters = append(alters, `ADD COLUMN `+ident(name)+` `+w.typ+` GENERATED ALWAYS AS (`+w.def+`) STORED`)
		case !ok:
			add := `ADD COLUMN ` + ident(name) + ` ` + typ
			if w.def != "" {
				add += ` DEFAULT ` + w.def
			}
			if w.notNull {
				add += ` NOT NULL`
			}
			alters = append(alters, add)
		default:
			if h.typ != w.typ || h.collation != w.collation {
				alters = append(alters, `ALTER COLUMN `+ident(name)+` TYPE `+typ+` USING `+ident(name)+`::`+w.typ)
			}
			if w.notNull && !h.notNull {
				alters = append(alters, `ALTER COLUMN `+ident(name)+` SET NOT NULL`)
			}
		}
		if !w.generated {
			copyCols = append(copyCols, ident(name))
		}
	}
	for _, a := range alters {
		if _, err := tx.ExecContext(ctx, `ALTER TABLE `+archivedTable+` `+a); err != nil {
			return nil, errs.New(errs.Conflict, "归档表 "+archivedTable+" 无法与现表对齐："+err.Error(),
				"the archived table "+archivedTable+" cannot be made like the live one: "+err.Error())
		}
	}
	return copyCols, nil
}

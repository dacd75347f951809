package disclosure_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// The district's default levels replace the builtin ones kind by kind; a
// level given is kept; an unknown kind or level is refused.
func TestDefaults(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var l disclosure.Level
		disclosure.Fill(ctx, d.R, &l, "proposal", disclosure.Internal)
		if l != disclosure.Residents {
			t.Fatalf("builtin proposal default = %s", l)
		}
		save := func(m map[string]disclosure.Level) error {
			return d.Tx(ctx, func(tx *sql.Tx) error { return disclosure.SaveDefaults(ctx, tx, m) })
		}
		if err := save(map[string]disclosure.Level{"proposal": disclosure.Public}); err != nil {
			t.Fatal(err)
		}
		if err := save(map[string]disclosure.Level{"meeting": disclosure.Internal}); err != nil {
			t.Fatal(err)
		}
		l = ""
		disclosure.Fill(ctx, d.R, &l, "proposal", disclosure.Internal)
		if l != disclosure.Public {
			t.Fatalf("district's proposal default = %s", l)
		}
		l = disclosure.Members
		disclosure.Fill(ctx, d.R, &l, "proposal", disclosure.Internal)
		if l != disclosure.Members {
			t.Fatalf("a level given was replaced: %s", l)
		}
		m, err := disclosure.Defaults(ctx, d.R)
		if err != nil || m["meeting"] != disclosure.Internal || m["topic"] != disclosure.Residents {
			t.Fatalf("defaults = %v, %v", m, err)
		}
		if err := save(map[string]disclosure.Level{"ticket": disclosure.Public}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("an unknown kind: %v", err)
		}
		if err := save(map[string]disclosure.Level{"survey": "everyone"}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("an unknown level: %v", err)
		}
	})
}

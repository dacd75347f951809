package main

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
)

// `gongzhi text-index` on a seeded SQLite folder whose index is as
// migration 0256 leaves it: every ticket written anew, the keys usable,
// and a second run with nothing left to write.
func TestTextIndexCommand(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	env := func(string) string { return "" }
	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"seed", "--tickets", "300", "--months", "1", "--data", dir}, env, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("seed: %v\n%s", err, errOut.String())
	}
	d, err := db.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	var tickets int
	if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets`).Scan(&tickets); err != nil {
		t.Fatal(err)
	}
	_, err = d.W.ExecContext(ctx, `UPDATE search_backfill SET after = '', done = FALSE, scoped = FALSE`)
	d.Close()
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{tickets, 0} {
		out.Reset()
		if err := run(ctx, []string{"text-index", "--data", dir}, env, strings.NewReader(""), &out, &errOut); err != nil {
			t.Fatalf("text-index: %v\n%s", err, errOut.String())
		}
		if !strings.Contains(out.String(), "text index: "+strconv.Itoa(want)+" tickets written anew") {
			t.Fatalf("run %d: %q, want %d tickets", i+1, out.String(), want)
		}
	}
	d, err = db.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var scoped, unmerged bool
	if err := d.R.QueryRowContext(ctx, `SELECT scoped, unmerged FROM search_backfill`).Scan(&scoped, &unmerged); err != nil || !scoped || unmerged {
		t.Fatalf("after the walk and the merge: scoped %v, still to merge %v, %v", scoped, unmerged, err)
	}
}

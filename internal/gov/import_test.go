package gov_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// writeFixture writes a tiny division data set with one bad row of each kind.
func writeFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"provinces.csv": "code,name\n11,\"北京市\"\n12,\"天津市\"\n",
		"cities.csv":    "code,name,provinceCode\n1101,\"市辖区\",11\n1201,\"市辖区\",12\n",
		"areas.csv": "code,name,cityCode,provinceCode\n" +
			"110117,\"平谷区\",1101,11\n" +
			"120101,\"和平区\",1201,12\n" +
			"120102,\"河东区\",1101,12\n" + // line 4: code does not start with its parent's
			"12010X,\"坏区\",1201,12\n", // line 5: bad code
		"streets.csv": "code,name,areaCode,provinceCode,cityCode\n" +
			"110117001,\"滨河街道\",110117,11,1101\n" +
			"110117002,\"兴谷街道\",110117,11,1101\n" +
			"120101001,\"劝业场街道\",120101,12,1201\n" +
			"120101002,\"小白楼街道\",120101\n" + // line 5: wrong number of columns
			"110117001,\"滨河街道\",110117,11,1101\n", // line 6: duplicate
		"villages_11_beijing.csv": "code,name,streetCode,provinceCode,cityCode,areaCode\n" +
			"110117001001,\"府前街社区居委会\",110117001,11,1101,110117\n" +
			"110117001002,\"承平园社区居委会\",110117001,11,1101,110117\n" +
			"110117002001,\"兴谷园社区居委会\",110117002,11,1101,110117\n",
		"villages_12_tianjin.csv": "code,name,streetCode,provinceCode,cityCode,areaCode\n" +
			"120101001001,\"新文化花园社区居委会\",120101001,12,1201,120101\n" +
			"120101009001,\"孤儿社区居委会\",120101009,12,1201,120101\n", // line 3: parent missing
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func snapshot(t *testing.T, d *db.DB) string {
	t.Helper()
	rows, err := d.R.Query(`SELECT code, parent_code, name, level, population FROM areas ORDER BY code`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var a gov.Area
		if err := rows.Scan(&a.Code, &a.ParentCode, &a.Name, &a.Level, &a.Population); err != nil {
			t.Fatal(err)
		}
		b.WriteString(a.Code + "|" + a.ParentCode + "|" + a.Name + "|" + string(a.Level) + "|" + strconv.FormatInt(a.Population, 10) + "\n")
	}
	return b.String()
}

func TestImportDivisionsFixture(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dir := writeFixture(t)
		var out bytes.Buffer
		st, err := gov.ImportDivisions(ctx, d, dir, &out)
		if err != nil {
			t.Fatal(err)
		}
		if st.Provinces != 2 || st.Cities != 2 || st.Districts != 2 || st.Streets != 3 || st.Communities != 4 {
			t.Fatalf("counts: %+v", st)
		}
		if st.Rejected != 5 || len(st.Problems) != 5 {
			t.Fatalf("rejected %d, problems %q", st.Rejected, st.Problems)
		}
		for _, want := range []string{"areas.csv:4:", "areas.csv:5:", "streets.csv:5:", "streets.csv:6:", "villages_12_tianjin.csv:3:"} {
			found := false
			for _, p := range st.Problems {
				found = found || strings.HasPrefix(p, want)
			}
			if !found {
				t.Errorf("no problem reported at %s: %q", want, st.Problems)
			}
		}
		if !strings.Contains(out.String(), "done:") {
			t.Errorf("no summary in progress: %q", out.String())
		}

		g := gov.NewService(d, clock.System{})
		path, err := g.AreaPath(ctx, "110117001002")
		if err != nil {
			t.Fatal(err)
		}
		if len(path) != 5 || path[0].Name != "北京市" || path[2].Level != gov.LevelDistrict || path[4].Level != gov.LevelCommunity || path[4].Name != "承平园社区居委会" {
			t.Fatalf("path: %+v", path)
		}
		if _, err := g.Area(ctx, "120102"); !errs.Is(err, errs.NotFound) {
			t.Fatalf("rejected row imported: %v", err)
		}

		// A population set by hand survives a re-import, and nothing else changes.
		if _, err := d.W.ExecContext(ctx, `UPDATE areas SET population = $1 WHERE code = $2`, 457313, "110117"); err != nil {
			t.Fatal(err)
		}
		before := snapshot(t, d)
		st2, err := gov.ImportDivisions(ctx, d, dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		if st2.Total() != st.Total() || st2.Rejected != st.Rejected {
			t.Fatalf("second import: %+v", st2)
		}
		if after := snapshot(t, d); after != before {
			t.Fatalf("re-import changed areas:\n%s\nvs\n%s", before, after)
		}
		a, err := g.Area(ctx, "110117")
		if err != nil || a.Population != 457313 {
			t.Fatalf("population lost: %+v %v", a, err)
		}
	})
}

func TestImportDivisionsMissingFile(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dir := writeFixture(t)
		os.Remove(filepath.Join(dir, "streets.csv"))
		_, err := gov.ImportDivisions(context.Background(), d, dir, nil)
		if !errs.Is(err, errs.Invalid) {
			t.Fatalf("want invalid, got %v", err)
		}
		var n int
		if err := d.R.QueryRow(`SELECT COUNT(*) FROM areas`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("areas written despite missing file: %d %v", n, err)
		}
	})
}

func TestImportDivisionsBrokenCSV(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		dir := writeFixture(t)
		body := "code,name\n11,\"北京市\"\n99,\"坏\"引号\"\n12,\"天津市\"\n"
		if err := os.WriteFile(filepath.Join(dir, "provinces.csv"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		st, err := gov.ImportDivisions(context.Background(), d, dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		if st.Provinces != 2 || len(st.Problems) == 0 || !strings.HasPrefix(st.Problems[0], "provinces.csv:3:") {
			t.Fatalf("broken quote: %+v", st)
		}
	})
}

// sharedDivisions returns the real data folder, from the package dir
// ../../../shared/data/divisions, or skips the test when it is absent.
func sharedDivisions(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "data", "divisions"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "provinces.csv")); err != nil {
		t.Skip("division data not present at " + dir)
	}
	return dir
}

func TestImportBeijing(t *testing.T) {
	src := sharedDivisions(t)
	dir := t.TempDir()
	for _, name := range []string{"provinces.csv", "cities.csv", "areas.csv", "streets.csv", "villages_11_beijing.csv"} {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st, err := gov.ImportDivisions(ctx, d, dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		if st.Rejected != 0 || st.Provinces != 31 || st.Communities != 7535 {
			t.Fatalf("stats: %+v", st)
		}
		g := gov.NewService(d, clock.System{})
		streets, err := g.Areas(ctx, "110117")
		if err != nil {
			t.Fatal(err)
		}
		if len(streets) != 18 {
			t.Fatalf("平谷区 has %d children, want 18", len(streets))
		}
		for _, s := range streets {
			if s.Level != gov.LevelStreet {
				t.Fatalf("child of 平谷区 not a street: %+v", s)
			}
		}
	})
}

// TestImportAllChina imports the whole country; it takes a while, so it runs
// only with GONGZHI_IMPORT_ALL=1, and logs the time taken per engine.
func TestImportAllChina(t *testing.T) {
	if os.Getenv("GONGZHI_IMPORT_ALL") != "1" {
		t.Skip("set GONGZHI_IMPORT_ALL=1 to import all of China")
	}
	src := sharedDivisions(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		for run := 1; run <= 2; run++ {
			var out bytes.Buffer
			start := time.Now()
			st, err := gov.ImportDivisions(ctx, d, src, &out)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s run %d: %d areas, %d rejected in %s\n%s", d.Engine, run, st.Total(), st.Rejected, time.Since(start).Round(time.Millisecond), out.String())
			if st.Rejected != 0 || st.Communities < 600000 {
				t.Fatalf("stats: %+v", st)
			}
		}
	})
}

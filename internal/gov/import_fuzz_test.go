package gov_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// FuzzImportDivisionRows feeds arbitrary rows to the division import: they
// follow one good street in streets.csv, and a village under that street
// follows in its own file. Whatever the rows hold, the import never panics,
// never fails (a bad row is rejected, not fatal), still imports the good
// street and village, and writes only well-formed areas.
func FuzzImportDivisionRows(f *testing.F) {
	seeds := []string{
		"110117002,\"兴谷街道\",110117,11,1101\n",
		"120101002,\"小白楼街道\",120101\n",
		"110117001,\"滨河街道\",110117,11,1101\n",
		"12010X001,\"坏\",120101,12,1201\n",
		"110117003,\"未闭合引号,110117,11,1101\n110117004,\"x\",110117,11,1101\n",
		"110117005,\"a\"\"b\",110117,11,1101\r\n",
		"110117006,,110117,11,1101\n",
		"110117007,\"" + strings.Repeat("长", 101) + "\",110117,11,1101\n",
		"\ufeff110117008,名,110117,11,1101\n",
		"110117009,x,11011,11,1101\n",
		"99,x,9,9,9\n",
		"\n\n,,,,\n",
		"110117010,名\x00,110117,11,1101\n",
		"110117011,\xff\xfe,110117,11,1101\n",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	d := dbtest.Open(f, db.SQLite)
	f.Fuzz(func(t *testing.T, rows string) {
		checkImportRows(t, d, rows)
	})
}

// TestImportDivisionsBrokenQuoteAtEnd is the input the fuzzer found: a quote
// left open at the end of streets.csv once made the import panic.
func TestImportDivisionsBrokenQuoteAtEnd(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	checkImportRows(t, d, "\"\n\"\"\n")
}

func checkImportRows(t *testing.T, d *db.DB, rows string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	files := map[string]string{
		"provinces.csv":           "code,name\n11,北京市\n",
		"cities.csv":              "code,name,provinceCode\n1101,市辖区,11\n",
		"areas.csv":               "code,name,cityCode,provinceCode\n110117,平谷区,1101,11\n",
		"streets.csv":             "code,name,areaCode,provinceCode,cityCode\n110117001,滨河街道,110117,11,1101\n" + rows,
		"villages_11_beijing.csv": "code,name,streetCode,provinceCode,cityCode,areaCode\n110117001001,府前街社区居委会,110117001,11,1101,110117\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	st, err := gov.ImportDivisions(ctx, d, dir, nil)
	if err != nil {
		t.Fatalf("a bad row aborted the import: %v", err)
	}
	if st.Provinces != 1 || st.Cities != 1 || st.Districts != 1 || st.Streets < 1 || st.Communities != 1 {
		t.Fatalf("good rows not imported: %+v", st)
	}
	if len(st.Problems) > 100 || len(st.Problems) > st.Rejected {
		t.Fatalf("%d problems for %d rejected rows", len(st.Problems), st.Rejected)
	}
	var bad int
	if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM areas WHERE level = 'street' AND (length(code) != 9 OR parent_code != '110117' OR substr(code, 1, 6) != parent_code OR name = '')`).Scan(&bad); err != nil {
		t.Fatal(err)
	}
	if bad > 0 {
		t.Fatalf("%d malformed streets written from %q", bad, rows)
	}
}

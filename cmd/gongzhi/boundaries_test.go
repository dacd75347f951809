package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// TestImportBoundariesCommand loads Beijing's real district boundaries into
// the demo district, twice, and then files a grid worker's reports by the
// API of the running server: in 平谷区 accepted, in 东城区 refused.
func TestImportBoundariesCommand(t *testing.T) {
	file, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "data", "geo", "beijing_districts_datav.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(file); err != nil {
		t.Skip("Beijing's district boundaries are not present at " + file)
	}
	if out, err := gongzhi(t, "help"); err != nil || !strings.Contains(out, "gongzhi import boundaries FILE") {
		t.Fatalf("help: %v\n%s", err, out)
	}
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			dbArgs := []string{"--data", t.TempDir()}
			if engine == "postgres" {
				dbArgs = append(dbArgs, "--db", dbtest.DSN(t, engine))
			}
			s := start(t, append([]string{"--demo"}, dbArgs...)...)
			grid := s.login("demo-grid")
			report := func(lat, lng float64) reply {
				return s.call("POST", "/api/v1/tickets", grid, map[string]any{"category_code": "0101", "description": "井盖缺失",
					"area_code": "110117001001", "lat": lat, "lng": lng})
			}
			// Before any boundary, a location only marks the spot.
			s.want(report(39.9289, 116.4164), 201, "a point in 东城区, no boundary on record")

			out, err := gongzhi(t, append([]string{"import", "boundaries", file}, dbArgs...)...)
			if err != nil || !strings.Contains(out, "16 features, 1 added, 0 replaced, 0 unchanged, 15 rejected") ||
				!strings.Contains(out, "rejected: feature 1 110101 东城区: 区划不存在，请先导入区划代码 / no such area on record: import the divisions first") {
				t.Fatalf("import: %v\n%s", err, out)
			}
			out, err = gongzhi(t, append([]string{"import", "boundaries", file}, dbArgs...)...)
			if err != nil || !strings.Contains(out, "16 features, 0 added, 0 replaced, 1 unchanged, 15 rejected") {
				t.Fatalf("import again: %v\n%s", err, out)
			}
			unknown := filepath.Join(t.TempDir(), "unknown.json")
			os.WriteFile(unknown, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"adcode":999999,"name":"无此区"},
				"geometry":{"type":"Polygon","coordinates":[[[117.0,40.0],[117.1,40.0],[117.1,40.1],[117.0,40.0]]]}}]}`), 0o600)
			out, err = gongzhi(t, append([]string{"import", "boundaries", unknown}, dbArgs...)...)
			if err == nil || !strings.Contains(out, "no boundary was imported") || !strings.Contains(out, "999999 无此区") {
				t.Fatalf("a file of unknown areas: %v\n%s", err, out)
			}

			s.want(report(40.1448, 117.1123), 201, "a point in 平谷区")
			s.wantError(report(39.9289, 116.4164), 403, "forbidden", "a point in 东城区")
			s.stop()
		})
	}
}

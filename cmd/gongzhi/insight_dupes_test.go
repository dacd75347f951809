package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sharedData finds ../shared/data beside the repository (or the machine's
// /work/shared/data), or skips the test.
func sharedData(t *testing.T, rel string) string {
	t.Helper()
	for _, base := range []string{"../../../shared/data", "/work/shared/data"} {
		p := filepath.Join(base, rel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skipf("%s is not here (../shared/data beside the repository)", rel)
	return ""
}

// nycDuplicates are the requests whose agency wrote in its resolution that
// they duplicate another: the truth the finder never reads.
func nycDuplicates(t *testing.T, path string) map[string]bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimPrefix(h, "\uFEFF")] = i
	}
	out := map[string]bool{}
	for {
		rec, err := r.Read()
		if err != nil {
			break
		}
		if strings.Contains(strings.ToLower(rec[col["Resolution Description"]]), "duplicate") {
			out[rec[col["Unique Key"]]] = true
		}
	}
	return out
}

// TestInsightDuplicatesNYC holds the finder to its target on New York's
// sample: at least 60% of the 286 requests agencies marked as duplicates
// found, at most 600 flagged.
func TestInsightDuplicatesNYC(t *testing.T) {
	path := sharedData(t, "311/nyc311_2023_test_sample3.csv")
	truth := nycDuplicates(t, path)
	if len(truth) != 286 {
		t.Fatalf("%d requests marked as duplicates, want 286", len(truth))
	}
	var out, errOut bytes.Buffer
	started := time.Now()
	if err := insightMain(context.Background(), []string{"duplicates", path, "--format", "nyc311"}, os.Getenv, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	took := time.Since(started)
	flagged, found := 0, 0
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var m struct {
			ID          string  `json:"id"`
			DuplicateOf string  `json:"duplicate_of"`
			Score       float64 `json:"score"`
		}
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil || m.ID == "" || m.DuplicateOf == "" || m.Score <= 0 || m.Score > 1 {
			t.Fatalf("bad line %q: %v", sc.Text(), err)
		}
		flagged++
		if truth[m.ID] {
			found++
		}
	}
	recall := float64(found) / float64(len(truth))
	t.Logf("NYC: found %d of %d (%.1f%%), flagged %d, in %s; %s", found, len(truth), 100*recall, flagged, took.Round(time.Millisecond), strings.TrimSpace(errOut.String()))
	if recall < 0.60 || flagged > 600 {
		t.Errorf("found %d of %d (%.1f%%) flagging %d: want at least 60%% flagging at most 600", found, len(truth), 100*recall, flagged)
	}
}

// TestInsightDuplicatesLA runs the finder on Los Angeles' sample, which
// says nothing of duplicates: it only reports what was flagged.
func TestInsightDuplicatesLA(t *testing.T) {
	path := sharedData(t, "311/MyLA311_2017_subset.csv")
	var out, errOut bytes.Buffer
	if err := insightMain(context.Background(), []string{"duplicates", path, "--format=la311"}, os.Getenv, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	n := strings.Count(out.String(), "\n")
	t.Logf("LA: %s", strings.TrimSpace(errOut.String()))
	if n == 0 || n > 2000 {
		t.Errorf("LA: %d flagged", n)
	}
}

// TestInsightDuplicatesHostile: bad files and flags give clear errors, not
// panics or output.
func TestInsightDuplicatesHostile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"duplicates"}, "usage"},
		{[]string{"duplicates", "x.csv"}, "usage"},
		{[]string{"duplicates", "x.csv", "--format", "xml"}, "unknown format"},
		{[]string{"duplicates", "x.csv", "--format", "csv"}, "needs --mapping"},
		{[]string{"duplicates", filepath.Join(dir, "none.csv"), "--format", "nyc311"}, "no such file"},
		{[]string{"duplicates", write("empty.csv", ""), "--format", "nyc311"}, "empty"},
		{[]string{"duplicates", write("other.csv", "a,b,c\n1,2,3\n"), "--format", "nyc311"}, "no column"},
		{[]string{"duplicates", write("bad.json", "{\"not\": \"a list\"}"), "--format", "open311"}, "GeoReport"},
		{[]string{"duplicates", write("broken.json", "[{\"service_request_id\": 1,"), "--format", "open311"}, "not valid JSON"},
		{[]string{"duplicates", "x.csv", "--format", "nyc311", "--threshold", "2"}, "threshold"},
		{[]string{"duplicates", "x.csv", "--format", "nyc311", "--mapping", filepath.Join(dir, "none.json")}, "mapping"},
		{[]string{"duplicates", "x.csv", "--format"}, "needs a value"},
		{[]string{"duplicates", "x.csv", "--what", "1"}, "unknown flag"},
	}
	for _, c := range cases {
		var out, errOut bytes.Buffer
		err := insightMain(context.Background(), c.args, os.Getenv, &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want one saying %q", c.args, err, c.want)
		}
		if out.Len() > 0 {
			t.Errorf("%v: wrote %q", c.args, out.String())
		}
	}
	// Rows that cannot be read are counted and skipped; the rest is judged.
	head := "Unique Key,Created Date,Complaint Type,Descriptor,Status,Incident Address,Latitude,Longitude\n"
	body := head + "1,03/01/2026 09:00:00 AM,HEAT/HOT WATER,ENTIRE BUILDING,Open,10 MAIN ST,40.7,-74.0\n" +
		"2,not a date,HEAT/HOT WATER,ENTIRE BUILDING,Open,10 MAIN ST,40.7,-74.0\n" +
		"3,03/01/2026 10:00:00 AM,HEAT/HOT WATER\n" +
		"4,03/01/2026 11:00:00 AM,HEAT/HOT WATER,ENTIRE BUILDING,Open,10 Main Street,NaN,x\n" +
		",03/01/2026 11:00:00 AM,HEAT/HOT WATER,ENTIRE BUILDING,Open,10 MAIN ST,40.7,-74.0\n"
	var out, errOut bytes.Buffer
	if err := insightMain(context.Background(), []string{"duplicates", write("rows.csv", body), "--format", "nyc311"}, os.Getenv, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(out.String()); !strings.HasPrefix(got, `{"id":"4","duplicate_of":"1",`) || strings.Count(got, "\n") != 0 {
		t.Errorf("output %q", got)
	}
	if !strings.Contains(errOut.String(), "2 requests read, 3 unreadable") {
		t.Errorf("summary %q", errOut.String())
	}
}

// An Open311 answer is read with its times in RFC 3339.
func TestInsightDuplicatesOpen311(t *testing.T) {
	body := `[{"service_request_id": 7, "service_code": "0403", "service_name": "Heating", "description": "no heat in the building",
  "requested_datetime": "2026-03-01T09:00:00+08:00", "address": "10 Main Street", "lat": 40.1, "long": 117.1, "status": "open"},
 {"service_request_id": "8", "service_code": "0403", "service_name": "Heating", "description": "the whole building has no heat",
  "requested_datetime": "2026-03-01T10:00:00+08:00", "address": "10 MAIN ST", "lat": 40.1001, "long": 117.1, "status": "closed"}]`
	p := filepath.Join(t.TempDir(), "r.json")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := insightMain(context.Background(), []string{"duplicates", p, "--format", "open311"}, os.Getenv, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.HasPrefix(got, `{"id":"8","duplicate_of":"7","score":`) {
		t.Errorf("output %q (%s)", got, errOut.String())
	}
}

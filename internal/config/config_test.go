package config

import (
	"io"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestParse(t *testing.T) {
	c, err := Parse(nil, env(nil), io.Discard)
	if err != nil || c.Addr != "127.0.0.1:8080" || c.DataDir != "./data" || c.DB != "" || c.Demo {
		t.Fatalf("defaults: %+v %v", c, err)
	}
	c, err = Parse([]string{"--addr", ":9090"}, env(map[string]string{"GONGZHI_ADDR": "0.0.0.0:1", "GONGZHI_DATA": "/srv/gz", "GONGZHI_DEMO": "true",
		"GONGZHI_DB": "postgres://u@h/db"}), io.Discard)
	if err != nil || c.Addr != ":9090" || c.DataDir != "/srv/gz" || !c.Demo || c.DB != "postgres://u@h/db" {
		t.Fatalf("flag over env: %+v %v", c, err)
	}
	bad := [][]string{{"--addr", "nonsense"}, {"--db", "mysql://x"}, {"extra"}, {"--nope"}}
	for _, args := range bad {
		if _, err := Parse(args, env(nil), io.Discard); err == nil {
			t.Errorf("%v: want error", args)
		}
	}
	for _, pw := range []string{"short", "12345678", "1234567890", "admin-2026-spring"} {
		if _, err := Parse(nil, env(map[string]string{"GONGZHI_ADMIN_PASSWORD": pw}), io.Discard); err == nil {
			t.Errorf("admin password %q accepted", pw)
		}
	}
	if _, err := Parse(nil, env(map[string]string{"GONGZHI_ADMIN_PASSWORD": "lantern-river-42"}), io.Discard); err != nil {
		t.Errorf("a good admin password refused: %v", err)
	}
}

func TestAccountControlSettings(t *testing.T) {
	c, err := Parse(nil, env(nil), io.Discard)
	if err != nil || c.IdleTimeout != 30*time.Minute || c.AdminTOTP {
		t.Fatalf("defaults: %v %v %v", err, c.IdleTimeout, c.AdminTOTP)
	}
	c, err = Parse(nil, env(map[string]string{"GONGZHI_IDLE_TIMEOUT": "5m", "GONGZHI_ADMIN_TOTP": "1"}), io.Discard)
	if err != nil || c.IdleTimeout != 5*time.Minute || !c.AdminTOTP {
		t.Fatalf("from the environment: %v %v %v", err, c.IdleTimeout, c.AdminTOTP)
	}
	c, err = Parse([]string{"--idle-timeout", "0", "--admin-totp"}, env(map[string]string{"GONGZHI_IDLE_TIMEOUT": "5m"}), io.Discard)
	if err != nil || c.IdleTimeout != 0 || !c.AdminTOTP {
		t.Fatalf("flags: %v %v %v", err, c.IdleTimeout, c.AdminTOTP)
	}
	for _, bad := range []map[string]string{{"GONGZHI_IDLE_TIMEOUT": "half an hour"}, {"GONGZHI_IDLE_TIMEOUT": "-1m"}} {
		if _, err := Parse(nil, env(bad), io.Discard); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestBoundaryTolerance(t *testing.T) {
	c, err := Parse(nil, env(nil), io.Discard)
	if err != nil || c.BoundaryTolerance != 1000 {
		t.Fatalf("default: %v %v", c.BoundaryTolerance, err)
	}
	c, err = Parse([]string{"--boundary-tolerance", "300"}, env(map[string]string{"GONGZHI_BOUNDARY_TOLERANCE": "2000"}), io.Discard)
	if err != nil || c.BoundaryTolerance != 300 {
		t.Fatalf("flag over env: %v %v", c.BoundaryTolerance, err)
	}
	for _, v := range []string{"-1", "NaN", "1e9", "far"} {
		if _, err := Parse(nil, env(map[string]string{"GONGZHI_BOUNDARY_TOLERANCE": v}), io.Discard); err == nil {
			t.Errorf("%s accepted", v)
		}
	}
}

func TestEvaluationMinSample(t *testing.T) {
	c, err := Parse(nil, env(nil), io.Discard)
	if err != nil || c.EvaluationMinSample != 10 {
		t.Fatalf("default: %d %v", c.EvaluationMinSample, err)
	}
	c, err = Parse([]string{"--evaluation-min-sample", "5"}, env(map[string]string{"GONGZHI_EVALUATION_MIN_SAMPLE": "30"}), io.Discard)
	if err != nil || c.EvaluationMinSample != 5 {
		t.Fatalf("flag over env: %d %v", c.EvaluationMinSample, err)
	}
	if c, err = Parse(nil, env(map[string]string{"GONGZHI_EVALUATION_MIN_SAMPLE": "30"}), io.Discard); err != nil || c.EvaluationMinSample != 30 {
		t.Fatalf("env: %d %v", c.EvaluationMinSample, err)
	}
	for _, bad := range []string{"-1", "ten", "10001"} {
		if _, err := Parse(nil, env(map[string]string{"GONGZHI_EVALUATION_MIN_SAMPLE": bad}), io.Discard); err == nil {
			t.Errorf("GONGZHI_EVALUATION_MIN_SAMPLE=%s accepted", bad)
		}
	}
}

func TestOpenDataMinCell(t *testing.T) {
	c, err := Parse([]string{"--opendata-min-cell", "10"}, env(map[string]string{"GONGZHI_OPENDATA_MIN_CELL": "3"}), io.Discard)
	if err != nil || c.OpenDataMinCell != 10 {
		t.Fatalf("flag over env: %d %v", c.OpenDataMinCell, err)
	}
	if c, err = Parse(nil, env(map[string]string{"GONGZHI_OPENDATA_MIN_CELL": "3"}), io.Discard); err != nil || c.OpenDataMinCell != 3 {
		t.Fatalf("env: %d %v", c.OpenDataMinCell, err)
	}
	for _, bad := range []string{"1", "-1", "five", "1001"} {
		if _, err := Parse(nil, env(map[string]string{"GONGZHI_OPENDATA_MIN_CELL": bad}), io.Discard); err == nil {
			t.Errorf("GONGZHI_OPENDATA_MIN_CELL=%s accepted", bad)
		}
	}
}

package config

import (
	"io"
	"testing"
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
	if _, err := Parse(nil, env(map[string]string{"GONGZHI_ADMIN_PASSWORD": "short"}), io.Discard); err == nil {
		t.Error("short admin password accepted")
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

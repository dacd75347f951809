package config

import (
	"io"
	"testing"
	"time"
)

func TestReadReplicaSettings(t *testing.T) {
	c, err := Parse(nil, env(nil), io.Discard)
	if err != nil || c.DBRead != "" || c.DBReadMaxLag != 5*time.Second {
		t.Fatalf("defaults: %v %q %s", err, c.DBRead, c.DBReadMaxLag)
	}
	primary := "postgres://u@h1,h2/db?target_session_attrs=read-write"
	c, err = Parse(nil, env(map[string]string{"GONGZHI_DB": primary, "GONGZHI_DB_READ": "postgres://u@r1/db,postgres://u@r2/db",
		"GONGZHI_DB_READ_MAX_LAG": "2s"}), io.Discard)
	if err != nil || c.DBRead != "postgres://u@r1/db,postgres://u@r2/db" || c.DBReadMaxLag != 2*time.Second {
		t.Fatalf("from the environment: %v %q %s", err, c.DBRead, c.DBReadMaxLag)
	}
	c, err = Parse([]string{"--db", primary, "--db-read", "postgres://u@r3/db", "--db-read-max-lag", "500ms"}, env(map[string]string{"GONGZHI_DB_READ": "postgres://u@r1/db"}), io.Discard)
	if err != nil || c.DBRead != "postgres://u@r3/db" || c.DBReadMaxLag != 500*time.Millisecond {
		t.Fatalf("flags: %v %q %s", err, c.DBRead, c.DBReadMaxLag)
	}
	bad := [][]string{
		{"--db-read", "postgres://u@r1/db"}, // no PostgreSQL primary
		{"--db", "sqlite:///tmp/x.db", "--db-read", "postgres://u@r1/db"},
		{"--db", primary, "--db-read", "mysql://u@r1/db"},
		{"--db", primary, "--db-read", "postgres://u@r1/db,sqlite:///tmp/x.db"},
		{"--db", primary, "--db-read-max-lag", "0s"},
	}
	for _, args := range bad {
		if _, err := Parse(args, env(nil), io.Discard); err == nil {
			t.Errorf("%v: want error", args)
		}
	}
	if _, err := Parse(nil, env(map[string]string{"GONGZHI_DB_READ_MAX_LAG": "soon"}), io.Discard); err == nil {
		t.Error("GONGZHI_DB_READ_MAX_LAG=soon accepted")
	}
}

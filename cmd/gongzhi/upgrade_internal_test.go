package main

import (
	"reflect"
	"testing"
)

func TestPgDumpArgs(t *testing.T) {
	got := pgDumpArgs("postgres://u@db.example:5432/gz?search_path=t_ab&sslmode=disable", "/b/x.dump")
	want := []string{"--format=custom", "--file=/b/x.dump", "--schema=t_ab", "postgres://u@db.example:5432/gz?sslmode=disable"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q", got)
	}
	got = pgDumpArgs("postgres://u@db.example/gz", "x.dump")
	if len(got) != 3 || got[2] != "postgres://u@db.example/gz" {
		t.Fatalf("%q", got)
	}
}

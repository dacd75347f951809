package db

import (
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// A database records the numbers of the migrations applied to it; these are
// the numbers databases hold today, and each must keep naming the same
// migration on both engines, or a database would run one twice or miss one.
var recordedVersions = []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 20, 21, 23}

func TestMigrationsOneTree(t *testing.T) {
	shared, err := readMigrations(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, engine := range []string{SQLite, Postgres} {
		ms, err := migrationsFor(migrations, engine)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := migrationsFor(migrations, engine)
		if !reflect.DeepEqual(ms, again) {
			t.Errorf("%s: two reads of the migrations differ", engine)
		}
		var got []string
		for i, m := range ms {
			got = append(got, m.name)
			if i < len(recordedVersions) && m.version != recordedVersions[i] {
				t.Errorf("%s: migration %d is %s, want number %d", engine, i, m.name, recordedVersions[i])
			}
			if engine == SQLite && (strings.Contains(m.body, `COLLATE "C"`) || strings.Contains(m.body, "BYTEA")) {
				t.Errorf("sqlite %s: PostgreSQL's spelling left in", m.name)
			}
			if s, ok := shared[m.version]; ok && engine == Postgres && s.body != m.body {
				t.Errorf("postgres %s: the shared text was changed", m.name)
			}
		}
		if len(ms) < len(recordedVersions) {
			t.Errorf("%s: %d migrations, want at least %d", engine, len(ms), len(recordedVersions))
		}
		if names != nil && !reflect.DeepEqual(names, got) {
			t.Errorf("the engines' migrations differ:\n%v\n%v", names, got)
		}
		names = got
	}
}

func TestMigrationsRewriteAndOverride(t *testing.T) {
	fsys := fstest.MapFS{
		"migrations/0001_a.sql":        {Data: []byte("CREATE TABLE a (code TEXT COLLATE \"C\" PRIMARY KEY, b BYTEA NOT NULL);\n")},
		"migrations/0002_b.sql":        {Data: []byte("SELECT 2;\n")},
		"migrations/sqlite/0002_b.sql": {Data: []byte("SELECT 'sqlite';\n")},
		"migrations/README":            {Data: []byte("not a migration")},
	}
	lite, err := migrationsFor(fsys, SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := migrationsFor(fsys, Postgres)
	if err != nil {
		t.Fatal(err)
	}
	want := []migration{
		{1, "0001_a.sql", "CREATE TABLE a (code TEXT PRIMARY KEY, b BLOB NOT NULL);\n"},
		{2, "0002_b.sql", "SELECT 'sqlite';\n"},
	}
	if !reflect.DeepEqual(lite, want) {
		t.Errorf("sqlite: %+v", lite)
	}
	want = []migration{
		{1, "0001_a.sql", "CREATE TABLE a (code TEXT COLLATE \"C\" PRIMARY KEY, b BYTEA NOT NULL);\n"},
		{2, "0002_b.sql", "SELECT 2;\n"},
	}
	if !reflect.DeepEqual(pg, want) {
		t.Errorf("postgres: %+v", pg)
	}
	if _, err := migrationsFor(fsys, "oracle"); err == nil {
		t.Error("an unknown engine was accepted")
	}
	fsys["migrations/0002_c.sql"] = &fstest.MapFile{Data: []byte("SELECT 3;\n")}
	if _, err := migrationsFor(fsys, Postgres); err == nil || !strings.Contains(err.Error(), "same number") {
		t.Errorf("two migrations numbered 2: %v", err)
	}
	delete(fsys, "migrations/0002_c.sql")
	fsys["migrations/x_d.sql"] = &fstest.MapFile{Data: []byte("SELECT 4;\n")}
	if _, err := migrationsFor(fsys, SQLite); err == nil {
		t.Error("a migration without a number was accepted")
	}
}

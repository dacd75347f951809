package web

import (
	"io/fs"
	"regexp"
	"testing"
)

// TestTranslationsComplete checks that every key a template names has both
// languages.
func TestTranslationsComplete(t *testing.T) {
	keyRE := regexp.MustCompile(`\bt "([a-z0-9_.]+)"`)
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		b, _ := files.ReadFile(name)
		for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
			if v, ok := messages[m[1]]; !ok || v[0] == "" || v[1] == "" {
				t.Errorf("%s: key %q has no translation", name, m[1])
			}
		}
	}
	for k, v := range messages {
		if v[0] == "" || v[1] == "" {
			t.Errorf("key %q lacks a language", k)
		}
	}
}

// TestMessageKeysDefinedOnce checks that no key is in two of the areas'
// tables, where one text would silently replace the other.
func TestMessageKeysDefinedOnce(t *testing.T) {
	seen := map[string]int{}
	for i, table := range messageTables {
		for k := range table {
			if j, ok := seen[k]; ok {
				t.Errorf("key %q is in tables %d and %d of messageTables", k, j, i)
			}
			seen[k] = i
		}
	}
	if len(messages) != len(seen) {
		t.Errorf("messages has %d keys, the tables %d", len(messages), len(seen))
	}
}

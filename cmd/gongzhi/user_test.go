package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// gongzhi user create follows the password rule of every staff password.
func TestUserCreatePasswordRule(t *testing.T) {
	dir := t.TempDir()
	env := func(string) string { return "" }
	create := func(password string) (string, error) {
		var out, errOut bytes.Buffer
		err := run(context.Background(), []string{"user", "create", "--username", "li.na", "--role", "admin", "--data", dir},
			env, strings.NewReader(password+"\n"), &out, &errOut)
		return out.String(), err
	}
	for _, weak := range []string{"12345678", "1234567890", "Password123", "li.na-2026-spring"} {
		if _, err := create(weak); err == nil {
			t.Errorf("%q accepted", weak)
		}
	}
	if out, err := create("autumn-leaves-88"); err != nil || !strings.Contains(out, "created li.na") {
		t.Fatalf("a good password: %q %v", out, err)
	}
}

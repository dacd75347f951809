package auth

import (
	_ "embed"
	"strings"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// The password rule of staff accounts, after 等保 2.0 level 3 (identity
// checks with passwords of some complexity that are changed when needed):
// at least MinPasswordLength characters, not one of the most common
// passwords, and not containing the username.
const (
	MinPasswordLength = 10
	// maxPasswordBytes is bcrypt's limit; past it the rest would be ignored.
	maxPasswordBytes = 72
)

//go:embed common_passwords.txt
var commonPasswordsText string

// commonPasswords are the listed passwords, lowercase.
var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonPasswordsText, "\n") {
		line = strings.ToLower(strings.TrimSpace(line))
		if line != "" && !strings.HasPrefix(line, "#") {
			m[line] = true
		}
	}
	return m
}()

// CheckPassword reports whether password may be set for the username.
func CheckPassword(username, password string) error {
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return errs.Invalidf("密码至少%d个字符", "a password needs at least %d characters", MinPasswordLength)
	}
	if len(password) > maxPasswordBytes {
		return errs.Invalidf("密码不超过72字节（约24个汉字或72个字母）", "a password is at most 72 bytes (72 letters, or about 24 Chinese characters)")
	}
	lower := strings.ToLower(password)
	if commonPasswords[lower] || oneCharacter(lower) {
		return errs.Invalidf("这个密码太常见，容易被猜到，请换一个", "this password is too common and easy to guess; choose another")
	}
	if u := strings.ToLower(strings.TrimSpace(username)); u != "" && strings.Contains(lower, u) {
		return errs.Invalidf("密码不能包含用户名", "a password must not contain the username")
	}
	return nil
}

func oneCharacter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return strings.Trim(s, string(r)) == ""
}

// randomPassword makes a password for the username that follows the rule:
// 16 random characters (96 bits).
func randomPassword(username string) string {
	for {
		if p := randomToken(12); CheckPassword(username, p) == nil {
			return p
		}
	}
}

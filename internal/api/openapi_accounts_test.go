package api_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"testing"
	"time"
)

// totpNow is the RFC 6238 code (SHA-1, 6 digits, 30 s) of a base32 secret now.
func totpNow(t *testing.T, secret string) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		t.Fatal(err)
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(time.Now().Unix()/30))
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	return fmt.Sprintf("%06d", binary.BigEndian.Uint32(sum[off:off+4])&0x7fffffff%1000000)
}

// oaAccounts calls the routes of account controls for TestOpenAPIAnswers:
// a locked account unlocked, passwords changed and reset, a second factor
// enrolled, a token revoked. It works on an account of its own.
func oaAccounts(t *testing.T, c *oaClient, admin, agent string) {
	t.Helper()
	tokenPath := "/api/v1/auth/token"
	user := map[string]string{"username": "oa-accounts", "password": "first-password-1", "name": "账号测试", "role": "handler",
		"org_code": "110117001-SO", "area_code": "110117001"}
	id := c.want(c.do(oaReq{method: "POST", path: "/api/v1/users", token: admin, body: user}), 201, "create a user for account controls").str("id")
	for range 5 {
		c.want(c.do(oaReq{method: "POST", path: tokenPath, body: map[string]string{"username": "oa-accounts", "password": "wrong-password-1"}}), 401, "wrong password")
	}
	c.want(c.do(oaReq{method: "POST", path: tokenPath, body: map[string]string{"username": "oa-accounts", "password": "first-password-1"}}), 429, "locked account")
	unlock := "/api/v1/users/{id}/unlock"
	c.want(c.do(oaReq{method: "POST", path: unlock, args: []string{id}, token: agent}), 403, "agent unlocks")
	c.want(c.do(oaReq{method: "POST", path: unlock, args: []string{id}}), 401, "anonymous unlocks")
	c.want(c.do(oaReq{method: "POST", path: unlock, args: []string{"nope"}, token: admin}), 404, "unlock nobody")
	c.want(c.do(oaReq{method: "POST", path: unlock, args: []string{id}, token: admin}), 204, "unlock")
	c.want(c.do(oaReq{method: "POST", path: tokenPath, body: map[string]string{"username": "oa-accounts", "password": "first-password-1"}}), 200, "login after unlock")

	// Disabled and enabled by an administrator.
	disable, enable := "/api/v1/users/{id}/disable", "/api/v1/users/{id}/enable"
	c.want(c.do(oaReq{method: "POST", path: disable, args: []string{id}, token: agent}), 403, "agent disables")
	c.want(c.do(oaReq{method: "POST", path: disable, args: []string{"nope"}, token: admin}), 404, "disable nobody")
	c.want(c.do(oaReq{method: "POST", path: disable, args: []string{id}, token: admin}), 204, "disable")
	c.want(c.do(oaReq{method: "POST", path: tokenPath, body: map[string]string{"username": "oa-accounts", "password": "first-password-1"}}), 401, "login while disabled")
	c.want(c.do(oaReq{method: "POST", path: enable, args: []string{id}, token: agent}), 403, "agent enables")
	c.want(c.do(oaReq{method: "POST", path: enable, args: []string{id}, token: admin}), 204, "enable")

	user1 := c.want(c.do(oaReq{method: "POST", path: tokenPath, body: map[string]string{"username": "oa-accounts", "password": "first-password-1"}}), 200, "login").str("token")

	// Passwords: changed by their owner, reset by an administrator.
	pw := "/api/v1/auth/password"
	c.want(c.do(oaReq{method: "POST", path: pw, token: user1, body: map[string]string{"old_password": "first-password-1", "new_password": "1234567890"}}), 400, "a common password")
	c.want(c.do(oaReq{method: "POST", path: pw, body: map[string]string{"old_password": "first-password-1", "new_password": "second-password-2"}}), 401, "anonymous changes a password")
	c.want(c.do(oaReq{method: "POST", path: pw, token: user1, body: map[string]string{"old_password": "first-password-1", "new_password": "second-password-2"},
		header: map[string]string{"Idempotency-Key": "pw-1"}}), 204, "change password")
	reset := "/api/v1/users/{id}/password"
	c.want(c.do(oaReq{method: "POST", path: reset, args: []string{id}, token: admin, body: map[string]string{}}), 400, "reset without a password")
	c.want(c.do(oaReq{method: "POST", path: reset, args: []string{id}, token: agent, body: map[string]string{"password": "temporary-pass-5"}}), 403, "agent resets")
	c.want(c.do(oaReq{method: "POST", path: reset, args: []string{"nope"}, token: admin, body: map[string]string{"password": "temporary-pass-5"}}), 404, "reset nobody")
	c.want(c.do(oaReq{method: "POST", path: reset, args: []string{id}, body: map[string]string{"password": "temporary-pass-5"}}), 401, "anonymous resets")
	c.want(c.do(oaReq{method: "POST", path: reset, args: []string{id}, token: admin, body: map[string]string{"password": "temporary-pass-5"}}), 204, "reset")
	user2 := c.want(c.do(oaReq{method: "POST", path: tokenPath, body: map[string]string{"username": "oa-accounts", "password": "temporary-pass-5"}}), 200, "login after reset").str("token")
	c.want(c.do(oaReq{method: "GET", path: "/api/v1/tickets", token: user2}), 403, "anything but a change after a reset")
	c.want(c.do(oaReq{method: "POST", path: pw, token: user2, body: map[string]string{"old_password": "temporary-pass-5", "new_password": "third-password-3"}}), 204, "change after reset")

	// A second factor.
	totp := "/api/v1/auth/totp"
	c.want(c.do(oaReq{method: "POST", path: totp, token: user2, header: map[string]string{"Idempotency-Key": "totp-1"}}), 200, "begin totp with a key")
	c.want(c.do(oaReq{method: "POST", path: totp, token: user2, header: map[string]string{"Idempotency-Key": "totp-1"}}), 409, "the secret is not replayed")
	e := c.want(c.do(oaReq{method: "POST", path: totp, token: user2}), 200, "begin totp")
	c.want(c.do(oaReq{method: "POST", path: totp}), 401, "anonymous begins totp")
	confirm := "/api/v1/auth/totp/confirm"
	c.want(c.do(oaReq{method: "POST", path: confirm, token: user2, body: map[string]string{"code": "12345"}}), 400, "a bad code")
	c.want(c.do(oaReq{method: "POST", path: confirm, token: user2, body: map[string]string{"code": totpNow(t, e.str("secret"))}}), 204, "confirm totp")
	c.want(c.do(oaReq{method: "POST", path: totp, token: user2}), 409, "begin totp again")
	c.want(c.do(oaReq{method: "POST", path: tokenPath, body: map[string]string{"username": "oa-accounts", "password": "third-password-3"}}), 401, "login without the code")

	// A token revoked by its owner.
	c.want(c.do(oaReq{method: "DELETE", path: tokenPath, token: user2}), 204, "revoke own token")
	c.want(c.do(oaReq{method: "DELETE", path: tokenPath, token: user2}), 401, "revoke it again")

	// An administrator turns it off for one who lost her phone.
	rm := "/api/v1/users/{id}/totp"
	adminID := c.want(c.do(oaReq{method: "GET", path: "/api/v1/users", token: admin}), 200, "users").items()
	for _, it := range adminID {
		if u := it.(map[string]any); u["username"] == "admin" {
			c.want(c.do(oaReq{method: "DELETE", path: rm, args: []string{u["id"].(string)}, token: admin}), 400, "remove one's own")
		}
	}
	c.want(c.do(oaReq{method: "DELETE", path: rm, args: []string{id}, token: agent}), 403, "agent removes totp")
	c.want(c.do(oaReq{method: "DELETE", path: rm, args: []string{id}}), 401, "anonymous removes totp")
	c.want(c.do(oaReq{method: "DELETE", path: rm, args: []string{"nope"}, token: admin}), 404, "remove nobody's")
	c.want(c.do(oaReq{method: "DELETE", path: rm, args: []string{id}, token: admin}), 204, "remove totp")
	c.want(c.do(oaReq{method: "POST", path: tokenPath, body: map[string]string{"username": "oa-accounts", "password": "third-password-3"}}), 200, "login after removal")
}

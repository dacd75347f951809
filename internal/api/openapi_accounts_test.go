package api_test

import "testing"

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
}

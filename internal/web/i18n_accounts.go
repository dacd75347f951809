package web

// Messages of account controls: login limits, passwords, the second factor.
// Kept apart from i18n.go and merged into messages at start.
var accountMessages = map[string][2]string{
	"staff.login.totp":      {"动态验证码", "Authenticator code"},
	"staff.login.totp.hint": {"仅已启用两步验证的账号需要填写：身份验证器应用上的6位数字。", "Only for accounts with two-step login: the 6 digits of your authenticator app."},

	"users.locked":        {"登录已锁定至", "Login locked until"},
	"users.unlock":        {"解锁", "Unlock"},
	"users.mustchange":    {"待修改密码", "Must change password"},
	"users.totp":          {"已启用两步验证", "Two-step login on"},
	"flash.user.unlocked": {"账号已解锁。", "The account has been unlocked."},
}

func init() {
	for k, v := range accountMessages {
		messages[k] = v
	}
}

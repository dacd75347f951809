package web

// Messages of account controls: login limits, passwords, the second factor.
// Kept apart from i18n.go and merged into messages at start.
var accountMessages = map[string][2]string{
	"staff.login.totp":      {"动态验证码", "Authenticator code"},
	"staff.login.ended":     {"登录已失效（长时间未操作、已过期或密码已更改），请重新登录。", "Your session has ended (idle too long, expired, or the password changed); please log in again."},
	"staff.login.totp.hint": {"仅已启用两步验证的账号需要填写：身份验证器应用上的6位数字。", "Only for accounts with two-step login: the 6 digits of your authenticator app."},

	"users.locked":            {"登录已锁定至", "Login locked until"},
	"users.unlock":            {"解锁", "Unlock"},
	"users.mustchange":        {"待修改密码", "Must change password"},
	"users.totp":              {"已启用两步验证", "Two-step login on"},
	"users.totp.remove":       {"移除两步验证", "Remove two-step login"},
	"flash.user.totp_removed": {"已移除该账号的两步验证，其登录已全部失效。", "Two-step login of the account has been removed and its sessions have ended."},
	"flash.user.unlocked":     {"账号已解锁。", "The account has been unlocked."},
	"flash.user.reset":        {"已重置 %s 的密码。", "The password of %s has been reset."},
	"users.reset":             {"重置密码", "Reset password"},
	"users.reset.title":       {"%s 的临时密码", "Temporary password of %s"},
	"users.reset.warning":     {"仅显示这一次。请当面或电话告知本人；其原有登录已全部失效，下次登录后须先修改密码。", "Shown only this once. Tell the person directly; all their sessions have ended, and after the next login they must change the password first."},

	"nav.account":                {"我的账号", "My account"},
	"account.title":              {"我的账号", "My account"},
	"account.pending.password":   {"管理员已重置您的密码。请先设置新密码，之后才能继续使用系统。", "An administrator reset your password. Set a new one before anything else."},
	"account.pending.totp":       {"管理员账号须启用两步验证。请先设置身份验证器，之后才能继续使用系统。", "Administrator accounts must use two-step login. Set up an authenticator before anything else."},
	"account.password":           {"修改密码", "Change password"},
	"account.password.rule":      {"至少10个字符；不能是常见密码，也不能包含用户名。修改后，您在其他设备上的登录将失效。", "At least 10 characters; not a common password and not containing your username. Your logins on other devices end."},
	"account.password.current":   {"当前密码", "Current password"},
	"account.password.temporary": {"临时密码（管理员告知的）", "Temporary password (from the administrator)"},
	"account.password.new":       {"新密码", "New password"},
	"account.password.again":     {"再次输入新密码", "New password again"},
	"account.password.button":    {"修改密码", "Change password"},
	"account.totp":               {"两步验证（动态验证码）", "Two-step login (authenticator code)"},
	"account.totp.on":            {"已启用。登录时须输入身份验证器上的6位动态验证码。", "On. Logging in needs the 6-digit code of your authenticator app."},
	"account.totp.off":           {"未启用。启用后，登录除密码外还须输入手机上身份验证器应用（任一 TOTP 应用）显示的动态验证码。", "Off. Once on, logging in needs the code of an authenticator app on your phone (any TOTP app) as well as the password."},
	"account.totp.begin":         {"开始设置", "Set up"},
	"account.totp.secret":        {"请在身份验证器应用中添加账号，输入下面的密钥（仅显示这一次）：", "Add an account in your authenticator app with this key (shown only this once):"},
	"account.totp.uri":           {"或使用以下 otpauth 链接：", "Or use this otpauth link:"},
	"account.totp.code":          {"应用上显示的6位动态验证码", "The 6-digit code the app shows"},
	"account.totp.confirm":       {"确认启用", "Turn on"},
	"flash.account.password":     {"密码已修改。", "Your password has been changed."},
	"flash.account.totp":         {"两步验证已启用。", "Two-step login is on."},
}

package ticket

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/idem"
)

// Actions on a ticket.
const (
	ActionDispatch         = "dispatch"          // 派单
	ActionRedispatch       = "redispatch"        // 改派
	ActionSign             = "sign"              // 签收 (the lead unit, or a helper for its part)
	ActionContact          = "contact"           // 联系诉求人
	ActionReply            = "reply"             // 答复 (the lead unit, or a helper for its part)
	ActionRate             = "rate"              // 评价 / 回访
	ActionClose            = "close"             // 结案
	ActionReturn           = "return"            // 退单申请
	ActionApproveReturn    = "approve_return"    // 同意退单并重新派单
	ActionRejectReturn     = "reject_return"     // 驳回退单
	ActionRequestExtension = "request_extension" // 延期申请
	ActionApproveExtension = "approve_extension" // 同意延期
	ActionRejectExtension  = "reject_extension"  // 驳回延期
	ActionRemind           = "remind"            // 催办
	ActionEscalate         = "escalate"          // 督办
	ActionWhistle          = "whistle"           // 吹哨
	ActionReport           = "report"            // 报到
	ActionAddHelper        = "add_helper"        // 增加协办单位
	ActionRedo             = "redo"              // 重办
	ActionMerge            = "merge"             // 合并
	ActionInvalidate       = "invalidate"        // 无效
	ActionAnswer           = "answer"            // 直接办结 (consultations)
	ActionRequestCheck     = "request_check"     // 要求现场核查
	ActionCheck            = "check"             // 核查结果
	ActionSelfResolve      = "self_resolve"      // 自办自结 (a grid worker fixes it on the spot)
	ActionWithdraw         = "withdraw"          // 撤回 (the reporter, before dispatch)
	ActionUrge             = "urge"              // 催办 (the reporter, once a day)
	ActionSupplement       = "supplement"        // 补充 (the reporter adds information)
)

// ActionInput carries the fields an action may take.
type ActionInput struct {
	OrgCode      string       `json:"org_code"`
	OrgCodes     []string     `json:"org_codes"`
	Note         string       `json:"note"`
	ReplyText    string       `json:"reply_text"`
	Resolved     *bool        `json:"resolved"`
	Satisfaction Satisfaction `json:"satisfaction"`
	Comment      string       `json:"comment"`
	Reason       string       `json:"reason"`
	Until        string       `json:"until"` // RFC 3339 or 2006-01-02 15:04 in business time
	WithinHours  int          `json:"within_hours"`
	Into         string       `json:"into"`
	Passed       *bool        `json:"passed"` // the result of an on-site check
	// CategoryCode classifies the ticket as it is dispatched: required for
	// a ticket its reporter left unclassified, a correction otherwise.
	CategoryCode string `json:"category_code"`
	// NotifyResident tells the resident the note (告知居民): she reads it
	// on her timeline, where otherwise a staff note stays with the staff.
	// Only the actions whose line she sees take it (NoteReadersOf).
	NotifyResident bool `json:"notify_resident"`
}

// Limits of the exceptions.
const (
	MaxExtensions    = 1       // extension once, on approval
	MaxExtensionDays = 60      // how far an extension may reach
	MaxWithinHours   = 24 * 30 // how long a summoned unit may be given
	MaxSummoned      = 10      // units per whistle
)

// Return reasons (退单理由).
var ReturnReasons = []string{"wrong_area", "unclear_ownership", "overlapping_duties", "not_our_duty"}

// Reasons a ticket is invalid (无效).
var InvalidReasons = []string{"spam", "out_of_scope", "redirected"}

func oneOf(s string, list []string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// clean cleans the text fields and holds the note and the reason to their
// length; the action's row checks the rest (rule.check).
func (in *ActionInput) clean() error {
	in.Note = CleanText(in.Note)
	in.ReplyText = CleanText(in.ReplyText)
	in.Comment = CleanText(in.Comment)
	in.Reason = CleanText(in.Reason)
	in.Into = CleanText(in.Into)
	in.CategoryCode = strings.TrimSpace(in.CategoryCode)
	if runes(in.Note) > MaxNote || runes(in.Reason) > MaxNote {
		return errs.Invalidf("备注不能超过%d字", "note must be at most %d characters", MaxNote)
	}
	return nil
}

// The checks of the rows of machine: each names what its action requires.

func needOrg(in *ActionInput) error {
	if in.OrgCode == "" {
		return errs.Invalidf("请选择承办单位", "org_code is required")
	}
	if !gov.ValidCode(in.OrgCode) {
		return errs.Invalidf("组织代码格式不正确：%q", "malformed org_code: %q", in.OrgCode)
	}
	return nil
}

func needReply(in *ActionInput) error {
	if in.ReplyText == "" {
		return errs.Invalidf("请填写答复内容", "reply_text is required")
	}
	if n := runes(in.ReplyText); n > MaxReply {
		return errs.Invalidf("答复内容不能超过%d字", "reply_text must be at most %d characters", MaxReply)
	}
	return nil
}

func needReplyResolved(in *ActionInput) error {
	if err := needReply(in); err != nil {
		return err
	}
	if in.Resolved == nil {
		return errs.Invalidf("请说明问题是否已解决", "resolved (true or false) is required")
	}
	return nil
}

func needHours(in *ActionInput) error {
	if in.WithinHours < 1 || in.WithinHours > MaxWithinHours {
		return errs.Invalidf("时限须为1到%d小时", "within_hours must be between 1 and %d", MaxWithinHours)
	}
	return nil
}

func needPassed(in *ActionInput) error {
	if in.Passed == nil {
		return errs.Invalidf("请选择核查是否通过", "passed (true or false) is required")
	}
	return nil
}

func needRating(in *ActionInput) error {
	if in.Resolved == nil {
		return errs.Invalidf("请选择问题是否已解决", "resolved (true or false) is required")
	}
	switch in.Satisfaction {
	case Satisfied, Basic, Unsatisfied:
	default:
		return errs.Invalidf("请选择满意、基本满意或不满意", "satisfaction must be satisfied, basic or unsatisfied")
	}
	if runes(in.Comment) > MaxComment {
		return errs.Invalidf("评价内容不能超过%d字", "comment must be at most %d characters", MaxComment)
	}
	return nil
}

func needReturnReason(in *ActionInput) error {
	if !oneOf(in.Reason, ReturnReasons) {
		return errs.Invalidf("退单理由须为 wrong_area（属地不符）、unclear_ownership（权属不清）、overlapping_duties（职能交叉）或 not_our_duty（非本单位职责）",
			"reason must be wrong_area, unclear_ownership, overlapping_duties or not_our_duty")
	}
	return nil
}

func needInvalidReason(in *ActionInput) error {
	if !oneOf(in.Reason, InvalidReasons) {
		return errs.Invalidf("无效原因须为 spam（骚扰）、out_of_scope（不属受理范围）或 redirected（已转其他渠道）",
			"reason must be spam, out_of_scope or redirected")
	}
	return nil
}

func needExtension(in *ActionInput) error {
	if in.Reason == "" {
		return errs.Invalidf("请填写延期理由", "reason is required")
	}
	if in.Until == "" {
		return errs.Invalidf("请填写延期至何时", "until is required")
	}
	return nil
}

func needEscalation(in *ActionInput) error {
	if in.OrgCode != "" {
		if err := needOrg(in); err != nil {
			return err
		}
	}
	return needHours(in)
}

func needSummoned(in *ActionInput) error {
	if len(in.OrgCodes) == 0 || len(in.OrgCodes) > MaxSummoned {
		return errs.Invalidf("请选择1到%d个被召集单位", "org_codes must name 1 to %d units", MaxSummoned)
	}
	for _, c := range in.OrgCodes {
		if !gov.ValidCode(c) {
			return errs.Invalidf("组织代码格式不正确：%q", "malformed org code: %q", c)
		}
	}
	return needHours(in)
}

func needInto(in *ActionInput) error {
	if !ValidNumber(in.Into) {
		return errs.Invalidf("请填写要并入的工单编号", "into must be a ticket number")
	}
	return nil
}

// Act takes an action on a ticket for u and returns the ticket as u may see it.
func (s *Service) Act(ctx context.Context, u auth.User, number, action string, in ActionInput) (Ticket, error) {
	r, ok := ruleOf(action)
	if !ok {
		return Ticket{}, errs.NotFoundf("未知的操作：%q", "unknown action: %q", action)
	}
	if err := in.clean(); err != nil {
		return Ticket{}, err
	}
	if err := checkNotify(r, &in); err != nil {
		return Ticket{}, err
	}
	if r.check != nil {
		if err := r.check(&in); err != nil {
			return Ticket{}, err
		}
	}
	now := s.clock.Now()
	err := s.db.GroupTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		// A retried action that already ran changes nothing more.
		if done, err := idem.ClaimTx(ctx, tx, now, number+"/"+action); err != nil || done != "" {
			return err
		}
		t, err := s.getFull(ctx, tx, number)
		if err != nil {
			return err
		}
		if !canView(u, t) {
			return errNotYours(u, number)
		}
		if !r.who(u, t) {
			return errs.ErrForbidden
		}
		if !r.fits(u, t) {
			return errs.Conflictf("工单当前状态（%s）不能执行此操作", "this action is not allowed while the ticket is %s", t.Status)
		}
		c := &change{s: s, tx: tx, u: &u, now: now, before: t, t: t, action: action}
		c.t.UpdatedAt = now
		c.note = in.Note
		if in.NotifyResident {
			c.residentNote = in.Note
		}
		if err := r.apply(s, ctx, c, in); err != nil {
			return err
		}
		return c.commit(ctx)
	})
	if err != nil {
		return Ticket{}, err
	}
	t, err := s.Get(ctx, u, number)
	if err == nil && action == ActionDispatch {
		s.observeDispatched(t)
	}
	return t, err
}

// change is one action under way: the ticket before and after, and the event
// that records it.
type change struct {
	s      *Service
	tx     *sql.Tx
	u      *auth.User // nil for the system
	now    time.Time
	before Ticket
	t      Ticket
	action string
	org    string // the unit the event concerns
	note   string
	// residentNote is the note as the resident is told it (告知居民); empty
	// keeps the note with the staff.
	residentNote string
	batch        *db.Batch // when set, notifications wait in it for the caller to send
	retext       bool      // a helper's reply changed: the text index is written anew
}

// commit writes the ticket and appends the event, in the transaction.
func (c *change) commit(ctx context.Context) error {
	refreshClocks(&c.t)
	c.t.Version = c.before.Version + 1
	if err := c.s.updateTicket(ctx, c.tx, c.t, c.before.Version); err != nil {
		return err
	}
	// SQLite's text index holds the ticket's unit and area too
	// (search_scope.go); PostgreSQL's reads them from the row.
	rescoped := c.s.db.Engine == db.SQLite && (c.t.AssignedOrgCode != c.before.AssignedOrgCode || c.t.AreaCode != c.before.AreaCode)
	if c.retext || rescoped || c.t.ReplyText != c.before.ReplyText {
		if err := c.s.reindex(ctx, c.tx, c.t.Number); err != nil {
			return err
		}
	}
	org := c.org
	if org == "" {
		org = c.t.AssignedOrgCode
	}
	e := eventFor(c.u, c.t.Version, c.now, c.action, c.before.Status, c.t.Status, org, c.note)
	e.residentNote = c.residentNote
	return c.s.insertEvent(ctx, c.tx, c.t.Number, e)
}

// The effects of the rows of machine. Each changes c.t (and c.note, which
// starts as the input's note) and writes what else the action needs.

func (s *Service) dispatch(ctx context.Context, c *change, in ActionInput) error {
	if err := s.classify(ctx, c, in.CategoryCode); err != nil {
		return err
	}
	return s.dispatchTo(ctx, c, in.OrgCode)
}

// needDispatch is what a dispatch requires: a unit, and a category when
// one is named.
func needDispatch(in *ActionInput) error {
	if in.CategoryCode != "" && !gov.ValidCode(in.CategoryCode) {
		return errs.Invalidf("分类代码格式不正确：%q", "malformed category_code: %q", in.CategoryCode)
	}
	return needOrg(in)
}

// classify gives the ticket the category the dispatcher chose; a ticket
// still unclassified must get one before it is dispatched.
func (s *Service) classify(ctx context.Context, c *change, code string) error {
	if code == "" {
		if c.t.CategoryCode == "" {
			return errs.Invalidf("该诉求尚未分类，请先选择诉求分类再派单", "this request has no category yet; choose one to dispatch it")
		}
		return nil
	}
	if err := s.checkCategory(ctx, code); err != nil {
		return err
	}
	c.t.CategoryCode = code
	return nil
}

func (s *Service) sign(ctx context.Context, c *change, _ ActionInput) error {
	t := &c.t
	if h := helperPart(*c.u, *t); h != nil && !isLeadHandler(*c.u, *t) {
		return s.helperSign(ctx, c)
	}
	lim, err := s.limitsFor(ctx, t.CategoryCode, t.Kind, t.Urgency)
	if err == nil {
		lim, err = s.withDuty(ctx, lim, *t, c.now)
	}
	if err != nil {
		return err
	}
	t.Status, t.SignedAt = StatusSigned, tp(c.now)
	s.startComplete(t, lim, c.now)
	return nil
}

func (s *Service) contact(_ context.Context, c *change, _ ActionInput) error {
	c.t.Status = StatusInProgress
	if c.t.ContactedAt == nil {
		c.t.ContactedAt = tp(c.now)
	}
	return nil
}

func (s *Service) reply(ctx context.Context, c *change, in ActionInput) error {
	t := &c.t
	if h := helperPart(*c.u, *t); h != nil && !isLeadHandler(*c.u, *t) {
		return s.helperReply(ctx, c, in.ReplyText)
	}
	if waiting := helpersNotReplied(*t); len(waiting) > 0 {
		return errs.Conflictf("协办单位（%s）尚未答复，主办单位须等各协办单位答复后再答复",
			"helper units (%s) have not replied yet; the lead unit replies after every helper", strings.Join(waiting, ", "))
	}
	t.Status, t.RepliedAt, t.ReplyText, t.ReplyResolved = StatusReplied, tp(c.now), in.ReplyText, in.Resolved
	c.note = in.ReplyText
	if t.ReporterPhone != "" {
		if err := s.notify(ctx, c.tx, c.now, Notification{Phone: t.ReporterPhone, TicketNumber: t.Number, Kind: "replied",
			Text: s.repliedText(*t)}); err != nil {
			return err
		}
	}
	return s.tellChildren(ctx, c, ActionParentReply, "您反映的问题已合并办理，答复："+in.ReplyText)
}

func (s *Service) rate(ctx context.Context, c *change, in ActionInput) error {
	t := &c.t
	t.Status, t.ClosedAt = StatusClosed, tp(c.now)
	t.Rating = &Rating{Resolved: *in.Resolved, Satisfaction: in.Satisfaction, Comment: in.Comment, RatedAt: c.now}
	// Unresolved or unsatisfied: the dispatcher decides between redo and close.
	t.ReviewPending = !*in.Resolved || in.Satisfaction == Unsatisfied
	c.note = string(in.Satisfaction)
	if in.Comment != "" {
		c.note += ": " + in.Comment
	}
	if !isReporter(*c.u, c.before) {
		c.note = byPhoneMark + c.note
	}
	if t.ReviewPending {
		if err := s.notify(ctx, c.tx, c.now, Notification{Role: string(auth.RoleDispatcher), AreaCode: t.AreaCode, TicketNumber: t.Number,
			Kind: "review", Text: "诉求人评价为未解决或不满意，请决定重办或结案"}); err != nil {
			return err
		}
	}
	return s.tellChildren(ctx, c, ActionParentClosed, "您反映的问题已合并办理并办结")
}

func (s *Service) close(ctx context.Context, c *change, _ ActionInput) error {
	t := &c.t
	if t.Status == StatusClosed { // confirming the close after a poor rating
		t.ReviewPending = false
		return nil
	}
	t.Status, t.ClosedAt = StatusClosed, tp(c.now)
	return s.tellChildren(ctx, c, ActionParentClosed, "您反映的问题已合并办理并办结")
}

// answer closes a ticket answered on the spot: a consultation by the
// hotline, or a grid worker's self-resolution (with its after photo).
func (s *Service) answer(ctx context.Context, c *change, in ActionInput) error {
	t := &c.t
	if c.action == ActionSelfResolve && s.photos != nil {
		n, err := s.photos(ctx, c.tx, t.Number, "after")
		if err != nil {
			return err
		}
		if n == 0 {
			return errs.Invalidf("自办自结须上传处理后的照片", "self-resolving needs an after photo")
		}
	}
	t.Status, t.ContactedAt, t.RepliedAt, t.ClosedAt = StatusClosed, tp(c.now), tp(c.now), tp(c.now)
	if t.SignedAt == nil && t.DispatchedAt != nil {
		t.SignedAt = tp(c.now)
	}
	t.ReplyText, t.ReplyResolved = in.ReplyText, boolp(true)
	c.note = in.ReplyText
	return nil
}

func (s *Service) requestCheck(ctx context.Context, c *change, in ActionInput) error {
	t := &c.t
	t.CheckStatus, t.CheckNote = "requested", in.Note
	return s.notify(ctx, c.tx, c.now, Notification{Role: string(auth.RoleGridWorker), AreaCode: t.AreaCode, TicketNumber: t.Number,
		Kind: "check", Text: "请到现场核查整改是否到位：" + in.Note})
}

func (s *Service) check(ctx context.Context, c *change, in ActionInput) error {
	t := &c.t
	t.CheckNote = in.Note
	if *in.Passed {
		t.CheckStatus = "passed"
		c.note = "核查通过 " + in.Note
		return nil
	}
	// Not fixed after all: the lead unit works on it again.
	t.CheckStatus, t.Status, t.RepliedAt = "failed", StatusInProgress, nil
	c.note = "核查未通过 " + in.Note
	return s.notify(ctx, c.tx, c.now, Notification{OrgCode: t.AssignedOrgCode, TicketNumber: t.Number, Kind: "check_failed", Text: "现场核查未通过，请继续办理：" + in.Note})
}

func boolp(b bool) *bool { return &b }

// dispatchTo sends the ticket to a unit, which must then sign: the sign
// clock starts again.
func (s *Service) dispatchTo(ctx context.Context, c *change, orgCode string) error {
	t := &c.t
	if ok, err := s.orgExists(ctx, orgCode); err != nil {
		return err
	} else if !ok {
		return errs.Invalidf("组织 %s 不存在", "unknown organisation %s", orgCode)
	}
	if c.action == ActionRedispatch && orgCode == t.AssignedOrgCode {
		return errs.Invalidf("改派的单位须不同于当前承办单位", "re-dispatch needs a different unit")
	}
	for _, h := range t.Helpers {
		if h.OrgCode == orgCode {
			return errs.Invalidf("%s 已是协办单位", "%s is already a helper unit", orgCode)
		}
	}
	lim, err := s.limitsFor(ctx, t.CategoryCode, t.Kind, t.Urgency)
	if err != nil {
		return err
	}
	t.Status, t.AssignedOrgCode, t.DispatchedAt = StatusDispatched, orgCode, tp(c.now)
	t.SignedAt, t.DueCompleteAt, t.warnCompleteAt = nil, nil, nil
	t.ReturnReason, t.statusBefore = "", ""
	t.ExtensionUntil, t.ExtensionReason = nil, ""
	s.startSign(t, lim, c.now)
	c.org = orgCode
	n := Notification{OrgCode: orgCode, TicketNumber: t.Number, Kind: "dispatched", Text: "新派工单，请在时限内签收"}
	if c.batch != nil {
		c.batch.Add(insertNotificationSQL, notificationArgs(c.now, n)...)
		return nil
	}
	return s.notify(ctx, c.tx, c.now, n)
}

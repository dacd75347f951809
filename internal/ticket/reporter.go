package ticket

import (
	"context"
	"regexp"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// A reporter is known by her phone (isReporter). One phone may hold several
// members of a family, each a reporter of her own tickets under her own
// name: the phone's account sees them all, and its list is grouped by the
// reporter's name (ReporterNames, Filter.ReporterName). A resident with no
// phone is registered by staff with her name and the last four characters of
// her identity card (ReporterIDLast4), and follows her ticket through staff
// or its number.

var idLast4RE = regexp.MustCompile(`^[0-9]{3}[0-9X]$`)

// checkProxy checks the identity of a resident registered by staff with no
// phone: only staff give it, with her name, as four characters (digits, the
// last may be X).
func (in *NewTicket) checkProxy(actor *auth.User) error {
	in.ReporterIDLast4 = strings.ToUpper(strings.TrimSpace(in.ReporterIDLast4))
	if in.ReporterIDLast4 == "" {
		return nil
	}
	if actor == nil || !actor.Role.IsStaff() {
		return errs.Invalidf("身份证后四位仅在工作人员代为登记时填写", "reporter_id_last4 is given only by staff registering a resident")
	}
	if !idLast4RE.MatchString(in.ReporterIDLast4) {
		return errs.Invalidf("身份证后四位须为4位数字（最后一位可为X）", "reporter_id_last4 must be 4 digits (the last may be X)")
	}
	if in.ReporterName == "" {
		return errs.Invalidf("代为登记须填写居民姓名", "reporter_name is required when registering a resident for her")
	}
	return nil
}

// createNote is the note of a ticket's first event: for a resident staff
// registered (代办), that staff did it for her (the event's actor names the
// member of staff, the ticket her name), and whether she has no phone.
func createNote(actor *auth.User, t Ticket) string {
	if actor == nil || !actor.Role.IsStaff() || (t.Channel != ChannelProxy && t.ReporterIDLast4 == "") {
		return ""
	}
	if t.ReporterPhone == "" {
		return "代办：工作人员代无手机居民登记，凭姓名和身份证后四位核对 / registered by staff for a resident with no phone, known by her name and the last four of her ID card"
	}
	return "代办：工作人员代居民登记 / registered by staff for the resident"
}

// SetPublicURL sets the public address of the site (config's public URL),
// for the links in messages to reporters. Without it a message gives the
// ticket's number only.
func (s *Service) SetPublicURL(u string) { s.publicURL = strings.TrimRight(u, "/") }

// ticketLink is the address of the ticket's page for its reporter, or "".
func (s *Service) ticketLink(number, anchor string) string {
	if s.publicURL == "" {
		return ""
	}
	return s.publicURL + "/tickets/" + number + anchor
}

// filedNotice is the message to the reporter's phone that her request is
// registered: its number and a link to it. A confidential ticket's message
// says nothing of what it is about (a shared phone, a message preview).
func (s *Service) filedNotice(ctx context.Context, t Ticket) (Notification, bool) {
	if t.ReporterPhone == "" {
		return Notification{}, false
	}
	text := "您的诉求已受理，编号" + t.Number
	if !t.Confidential {
		if c, err := s.category(ctx, t.CategoryCode); err == nil {
			text = "您反映的“" + c.Name + "”问题已受理，编号" + t.Number
		}
	}
	if link := s.ticketLink(t.Number, ""); link != "" {
		text += "，查看进度：" + link
	} else {
		text += "，可凭编号和手机号查询进度"
	}
	return Notification{Phone: t.ReporterPhone, TicketNumber: t.Number, Kind: "filed", Text: text}, true
}

// repliedText is the message to the reporter that her ticket is answered,
// with its number and a link to rate it; never the answer itself.
func (s *Service) repliedText(t Ticket) string {
	text := "您反映的问题（编号" + t.Number + "）已答复，请查看并评价"
	if link := s.ticketLink(t.Number, "#rate"); link != "" {
		text += "：" + link
	}
	return text
}

// parentText is the message to the reporter of a ticket merged into
// another when that one is answered or closed: like repliedText, never
// the answer itself, which her ticket's page shows.
func (s *Service) parentText(child Ticket, action string) string {
	text := "您反映的问题（编号" + child.Number + "）已合并办理并办结"
	if action == ActionParentReply {
		text = "您反映的问题（编号" + child.Number + "）已合并办理并答复，请查看"
	}
	if link := s.ticketLink(child.Number, ""); link != "" {
		text += "：" + link
	}
	return text
}

// ReporterNames returns the names under which the tickets of u's phone were
// filed, for a family sharing one phone: each is a filter of her list.
func (s *Service) ReporterNames(ctx context.Context, u auth.User) ([]string, error) {
	cond, args := reporterCond(u)
	if cond == "" {
		return nil, errs.ErrUnauthorized
	}
	var qc db.Conds
	qc.Add(cond, args...)
	q := `SELECT DISTINCT reporter_name FROM tickets WHERE ` + qc.And() + ` AND reporter_name <> '' ORDER BY reporter_name LIMIT 20`
	rows, err := s.db.Reader(ctx).QueryContext(ctx, q, qc.Args...)
	if err != nil {
		return nil, errs.Wrap(err, "reporter names")
	}
	defer rows.Close()
	names := []string{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, errs.Wrap(err, "reporter names")
		}
		names = append(names, n)
	}
	return names, errs.Wrap(rows.Err(), "reporter names")
}

// AwaitingRating counts u's tickets she may rate now (待评价): replied, with
// no on-site check pending (the rate row's rule). Staff have none.
func (s *Service) AwaitingRating(ctx context.Context, u auth.User) (int, error) {
	if u.Role != auth.RoleResident {
		return 0, nil
	}
	cond, args := reporterCond(u)
	if cond == "" {
		return 0, errs.ErrUnauthorized
	}
	var qc db.Conds
	qc.Add(cond, args...)
	qc.Add("status = ? AND check_status <> 'requested'", string(StatusReplied))
	var n int
	err := s.db.Reader(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM tickets WHERE `+qc.And(), qc.Args...).Scan(&n)
	return n, errs.Wrap(err, "count awaiting rating")
}

package transfer

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// A ticket list export is the list a staff member sees, with the list's
// filters, as a file for Excel or WPS: XLSX, or CSV with a byte order mark.
// The JSON API (GET /api/v1/tickets/export) and the staff workbench
// (GET /staff/export) both serve it through TicketList.

// Formats of a list export.
const (
	ListXLSX = "xlsx"
	ListCSV  = "csv"
)

// ListFormat checks the format of a list export; empty means XLSX.
func ListFormat(format string) (string, error) {
	switch format {
	case "":
		return ListXLSX, nil
	case ListXLSX, ListCSV:
		return format, nil
	}
	return "", errs.Invalidf("format 须为 csv 或 xlsx", "format must be csv or xlsx")
}

// ListHeader is the header row of a list export, in Chinese for the staff
// who open it in Excel or WPS.
var ListHeader = []string{"工单编号", "类型", "状态", "诉求分类", "区划", "诉求内容", "地址", "渠道", "承办单位", "诉求人", "联系电话",
	"紧急程度", "时限灯", "是否超期", "受理时间", "派单时间", "办结时限", "办结时间", "答复内容", "满意度",
	// National codes (natcode), added at the end so the columns before keep
	// their places: GB/T 30428.2 event and component classes, GB/T 30428.1
	// unit grid; empty where the district has none.
	"国标事件类代码", "国标部件类代码", "单元网格代码"}

// listWidths are the column widths of the XLSX sheet.
var listWidths = []float64{18, 8, 10, 22, 14, 48, 30, 10, 28, 10, 14, 8, 8, 8, 20, 20, 20, 20, 40, 10, 10, 10, 18}

var kindNames = map[ticket.Kind]string{ticket.KindConsultation: "咨询", ticket.KindHelp: "求助", ticket.KindComplaint: "投诉",
	ticket.KindReport: "举报", ticket.KindSuggestion: "建议"}

var statusNames = map[ticket.Status]string{ticket.StatusRegistered: "已受理", ticket.StatusDispatched: "已派单", ticket.StatusSigned: "已签收",
	ticket.StatusInProgress: "办理中", ticket.StatusReplied: "已答复", ticket.StatusClosed: "已办结", ticket.StatusReturned: "退单待审",
	ticket.StatusMerged: "已合并", ticket.StatusInvalid: "无效", ticket.StatusWithdrawn: "已撤回"}

var channelNames = map[ticket.Channel]string{ticket.ChannelHotline: "12345热线", ticket.ChannelWeb: "网站", ticket.ChannelApp: "移动端",
	ticket.ChannelSnapshot: "随手拍", ticket.ChannelMailbox: "居民信箱", ticket.ChannelGrid: "网格巡查", ticket.ChannelProxy: "代办",
	ticket.ChannelOpen311: "Open311"}

var lightNames = map[ticket.Light]string{ticket.LightNone: "", ticket.LightYellow: "黄灯", ticket.LightRed: "红灯"}

var satisfactionNames = map[ticket.Satisfaction]string{ticket.Satisfied: "满意", ticket.Basic: "基本满意", ticket.Unsatisfied: "不满意"}

func named[K comparable](m map[K]string, k K) string {
	if v, ok := m[k]; ok {
		return v
	}
	return fmt.Sprint(k)
}

// TicketList is a ticket list read for export: every row, so that a list
// past the cap is refused before any of the file is sent.
type TicketList struct {
	Rows [][]string // one per ticket, in ListHeader's columns
	date string     // the day of the export, Beijing time, for the file name
}

// ReadTicketList reads every page of the list u sees with the filter f
// (f.Cursor and f.Limit are its own), as the rows of an export. Lists are
// masked, so no reporter's name or phone appears in full. More than max
// tickets is an Invalid error asking for narrower filters. orgs may be nil;
// then units are shown by code alone.
func ReadTicketList(ctx context.Context, tickets *ticket.Service, orgs *gov.Service, u auth.User, f ticket.Filter, max int, opts ...ListOption) (*TicketList, error) {
	if !u.Role.IsStaff() {
		return nil, errs.New(errs.Forbidden, "只有工作人员可以导出工单", "only staff can export tickets")
	}
	row, err := withNational(ctx, rowMaker(ctx, tickets, orgs), opts)
	if err != nil {
		return nil, err
	}
	l := &TicketList{Rows: [][]string{}, date: tickets.Now().In(tickets.Location()).Format("20060102")}
	f.Cursor, f.Limit = "", ticket.MaxLimit
	for {
		page, err := tickets.List(ctx, u, f)
		if err != nil {
			return nil, err
		}
		for _, t := range page.Items {
			if len(l.Rows) >= max {
				return nil, errs.Invalidf("导出结果超过 %d 条，请增加筛选条件后分批导出", "the export would hold more than %d tickets; narrow it with filters", max)
			}
			l.Rows = append(l.Rows, row(t))
		}
		if page.NextCursor == "" {
			return l, nil
		}
		f.Cursor = page.NextCursor
	}
}

// ReadSelected reads the tickets of numbers that u may list, in that order
// and masked as a list is, as the rows of an export; a number u may not
// list is left out. At most ticket.MaxBatch numbers.
func ReadSelected(ctx context.Context, tickets *ticket.Service, orgs *gov.Service, u auth.User, numbers []string, opts ...ListOption) (*TicketList, error) {
	if !u.Role.IsStaff() {
		return nil, errs.New(errs.Forbidden, "只有工作人员可以导出工单", "only staff can export tickets")
	}
	if len(numbers) == 0 || len(numbers) > ticket.MaxBatch {
		return nil, errs.Invalidf("请选择1到%d张工单", "numbers must name 1 to %d tickets", ticket.MaxBatch)
	}
	row, err := withNational(ctx, rowMaker(ctx, tickets, orgs), opts)
	if err != nil {
		return nil, err
	}
	l := &TicketList{Rows: [][]string{}, date: tickets.Now().In(tickets.Location()).Format("20060102")}
	for _, n := range numbers {
		if !ticket.ValidNumber(n) {
			return nil, errs.Invalidf("工单编号格式不正确：%q", "malformed ticket number: %q", n)
		}
		page, err := tickets.List(ctx, u, ticket.Filter{Q: n, Limit: 1})
		if err != nil {
			return nil, err
		}
		for _, t := range page.Items {
			l.Rows = append(l.Rows, row(t))
		}
	}
	return l, nil
}

// rowMaker returns the function that writes a ticket as a row of
// ListHeader's columns, with the names of categories and units.
func rowMaker(ctx context.Context, tickets *ticket.Service, orgs *gov.Service) func(ticket.Ticket) []string {
	cats := map[string]string{}
	if list, err := tickets.Categories(ctx); err == nil {
		for _, c := range list {
			cats[c.Code] = c.Name
		}
	}
	orgNames := map[string]string{}
	if orgs != nil {
		if list, err := orgs.Orgs(ctx, gov.OrgFilter{}); err == nil {
			for _, o := range list {
				orgNames[o.Code] = o.Name
			}
		}
	}
	loc := tickets.Location()
	at := func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return ""
		}
		return t.In(loc).Format("2006-01-02 15:04:05")
	}
	withName := func(code string, names map[string]string) string {
		if n := names[code]; n != "" {
			return code + " " + n
		}
		return code
	}
	return func(t ticket.Ticket) []string {
		overdue := ""
		if t.Overdue {
			overdue = "是"
		}
		satisfaction := ""
		if t.Rating != nil {
			satisfaction = named(satisfactionNames, t.Rating.Satisfaction)
		}
		created := t.CreatedAt
		return []string{t.Number, named(kindNames, t.Kind), named(statusNames, t.Status), withName(t.CategoryCode, cats),
			t.AreaCode, t.Description, t.Address, named(channelNames, t.Channel), withName(t.AssignedOrgCode, orgNames), t.ReporterName,
			t.ReporterPhone, string(t.Urgency), named(lightNames, t.Light), overdue, at(&created), at(t.DispatchedAt), at(t.DueCompleteAt),
			at(t.ClosedAt), t.ReplyText, satisfaction}
	}
}

// Len is the number of tickets in the list.
func (l *TicketList) Len() int { return len(l.Rows) }

// Filename is the file's name: 工单_20260102.xlsx.
func (l *TicketList) Filename(format string) string { return "工单_" + l.date + "." + format }

// ContentType is the media type of a format.
func ContentType(format string) string {
	if format == ListCSV {
		return "text/csv; charset=utf-8"
	}
	return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
}

// Write writes the list, header first, as the format (ListXLSX or
// ListCSV).
func (l *TicketList) Write(w io.Writer, format string) error {
	switch format {
	case ListCSV:
		if _, err := io.WriteString(w, "\uFEFF"); err != nil { // Excel reads a CSV as UTF-8 only with the mark
			return errs.Wrap(err, "write csv")
		}
		cw := csv.NewWriter(w)
		cw.UseCRLF = true
		cw.Write(ListHeader)
		for _, rec := range l.Rows {
			cw.Write(csvCells(append([]string(nil), rec...)))
		}
		cw.Flush()
		return errs.Wrap(cw.Error(), "write csv")
	case ListXLSX:
		return errs.Wrap(writeXLSX(w, l.Rows), "write xlsx")
	}
	_, err := ListFormat(format)
	return err
}

// Serve answers an HTTP request with the list as an attachment in the
// format. The file is made in memory first, so an error (returned, with
// nothing written) can still become a proper error answer.
func (l *TicketList) Serve(w http.ResponseWriter, format string) error {
	var buf bytes.Buffer
	if err := l.Write(&buf, format); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", ContentType(format))
	h.Set("Content-Disposition", ContentDisposition(l.Filename(format)))
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
}

// ContentDisposition names an attachment: an ASCII fallback for old clients
// (工单_… becomes tickets_…) and the UTF-8 name encoded as RFC 5987 says.
func ContentDisposition(name string) string {
	fallback := "tickets" + name[len("工单"):]
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, fallback, url.PathEscape(name))
}

// writeXLSX writes one sheet with the header and rows, streamed row by row.
func writeXLSX(w io.Writer, rows [][]string) error {
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "工单"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, wd := range listWidths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	row := make([]any, len(ListHeader))
	for i, h := range ListHeader {
		row[i] = h
	}
	if err := sw.SetRow("A1", row); err != nil {
		return err
	}
	for n, rec := range rows {
		for i, v := range rec {
			row[i] = v // text cells: numbers such as ticket numbers stay exact
		}
		cell, _ := excelize.CoordinatesToCellName(1, n+2)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return x.Write(w)
}

package api

import (
	"bytes"
	"encoding/csv"
	"fmt"
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

// ExportCap is the most rows one list export holds; a list past it must be
// narrowed by its filters.
var ExportCap = 100_000

// exportHeader is the header row of a list export, in Chinese for the staff
// who open it in Excel or WPS.
var exportHeader = []string{"工单编号", "类型", "状态", "诉求分类", "区划", "诉求内容", "地址", "渠道", "承办单位", "诉求人", "联系电话",
	"紧急程度", "时限灯", "是否超期", "受理时间", "派单时间", "办结时限", "办结时间", "答复内容", "满意度"}

var kindNames = map[ticket.Kind]string{ticket.KindConsultation: "咨询", ticket.KindHelp: "求助", ticket.KindComplaint: "投诉",
	ticket.KindReport: "举报", ticket.KindSuggestion: "建议"}

var statusNames = map[ticket.Status]string{ticket.StatusRegistered: "已受理", ticket.StatusDispatched: "已派单", ticket.StatusSigned: "已签收",
	ticket.StatusInProgress: "办理中", ticket.StatusReplied: "已答复", ticket.StatusClosed: "已办结", ticket.StatusReturned: "退单待审",
	ticket.StatusMerged: "已合并", ticket.StatusInvalid: "无效"}

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

// exportTickets is GET /api/v1/tickets/export: the ticket list a staff member
// sees, with the list's filters, as CSV or XLSX.
func (a *API) exportTickets(w http.ResponseWriter, r *http.Request, u auth.User) {
	if !u.Role.IsStaff() {
		a.fail(w, r, errs.New(errs.Forbidden, "只有工作人员可以导出工单", "only staff can export tickets"))
		return
	}
	q := r.URL.Query()
	format := q.Get("format")
	if format == "" {
		format = "xlsx"
	}
	if format != "csv" && format != "xlsx" {
		a.fail(w, r, errs.Invalidf("format 须为 csv 或 xlsx", "format must be csv or xlsx"))
		return
	}
	f := ticket.Filter{Status: ticket.Status(q.Get("status")), OrgCode: q.Get("org_code"), AreaCode: q.Get("area_code"),
		Light: ticket.Light(q.Get("light")), Part: q.Get("part"), Limit: ticket.MaxLimit}
	switch q.Get("overdue") {
	case "", "false", "0":
	case "true", "1":
		f.Overdue = true
	default:
		a.fail(w, r, errs.Invalidf("overdue 须为 true 或 false", "overdue must be true or false"))
		return
	}
	ctx := r.Context()
	cats := map[string]string{}
	if list, err := a.Tickets.Categories(ctx); err == nil {
		for _, c := range list {
			cats[c.Code] = c.Name
		}
	}
	orgs := map[string]string{}
	if list, err := a.Gov.Orgs(ctx, gov.OrgFilter{}); err == nil {
		for _, o := range list {
			orgs[o.Code] = o.Name
		}
	}
	loc := a.Tickets.Location()
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
	// The whole list is read before the answer starts, so a list past the
	// cap gets a plain 400 instead of a cut-off file.
	var rows [][]string
	for {
		page, err := a.Tickets.List(ctx, u, f)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		for _, t := range page.Items {
			if len(rows) == ExportCap {
				a.fail(w, r, errs.Invalidf("导出结果超过 %d 条，请增加筛选条件后分批导出", "the export would hold more than %d tickets; narrow it with filters", ExportCap))
				return
			}
			overdue := ""
			if t.Overdue {
				overdue = "是"
			}
			satisfaction := ""
			if t.Rating != nil {
				satisfaction = named(satisfactionNames, t.Rating.Satisfaction)
			}
			created := t.CreatedAt
			rows = append(rows, []string{t.Number, named(kindNames, t.Kind), named(statusNames, t.Status), withName(t.CategoryCode, cats),
				t.AreaCode, t.Description, t.Address, named(channelNames, t.Channel), withName(t.AssignedOrgCode, orgs), t.ReporterName,
				t.ReporterPhone, string(t.Urgency), named(lightNames, t.Light), overdue, at(&created), at(t.DispatchedAt), at(t.DueCompleteAt),
				at(t.ClosedAt), t.ReplyText, satisfaction})
		}
		if page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	// Lists are masked, so no personal data is read; the export itself is
	// still worth a line in the audit log.
	if err := a.Auth.Audit(ctx, u, "export_tickets", "tickets", r.URL.RawQuery+" rows="+strconv.Itoa(len(rows))); err != nil {
		a.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	var contentType string
	switch format {
	case "csv":
		contentType = "text/csv; charset=utf-8"
		buf.WriteString("\uFEFF") // Excel reads a CSV as UTF-8 only with the mark
		cw := csv.NewWriter(&buf)
		cw.UseCRLF = true
		cw.Write(exportHeader)
		cw.WriteAll(rows)
		if err := cw.Error(); err != nil {
			a.fail(w, r, errs.Wrap(err, "write csv"))
			return
		}
	case "xlsx":
		contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		if err := writeXLSX(&buf, rows); err != nil {
			a.fail(w, r, errs.Wrap(err, "write xlsx"))
			return
		}
	}
	name := "工单_" + a.Tickets.Now().In(loc).Format("20060102") + "." + format
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", contentDisposition(name))
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}

// contentDisposition names an attachment: an ASCII fallback for old clients
// and the UTF-8 name encoded as RFC 5987 says.
func contentDisposition(name string) string {
	fallback := "tickets" + name[len("工单"):]
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, fallback, url.PathEscape(name))
}

// writeXLSX writes one sheet with the header and rows, streamed row by row.
func writeXLSX(buf *bytes.Buffer, rows [][]string) error {
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
	widths := []float64{18, 8, 10, 22, 14, 48, 30, 10, 28, 10, 14, 8, 8, 8, 20, 20, 20, 20, 40, 10}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	row := make([]any, len(exportHeader))
	for i, h := range exportHeader {
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
	return x.Write(buf)
}

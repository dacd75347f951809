package web_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/app"
	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/config"
	"github.com/gongzhi/gongzhi/internal/limit"
	"github.com/gongzhi/gongzhi/internal/ticket"
	"github.com/gongzhi/gongzhi/internal/web"
)

// photoServer serves the HTML interface with the attachment service,
// whether or not the app passes it yet.
func photoServer(t *testing.T) (*app.App, *httptest.Server) {
	t.Helper()
	a := newApp(t)
	w, err := web.New(web.Deps{Auth: a.Auth, Tickets: a.Tickets, Gov: a.Gov, KB: a.KB, Evaluation: a.Evaluation,
		Limits: limit.Defaults(), Log: slog.New(slog.DiscardHandler), Demo: true, Attachments: a.Attachments})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	w.Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return a, srv
}

func testImage(w, h int, c color.Color) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, c)
		}
	}
	return img
}

func jpegBytes(t *testing.T, c color.Color) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testImage(80, 60, c), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pngBytes(t *testing.T, c color.Color) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, testImage(60, 80, c)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type upload struct {
	name string
	data []byte
}

// multipartBody encodes the fields and the files (all in "photos").
func multipartBody(t *testing.T, form url.Values, files ...upload) (io.Reader, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		fw, err := mw.CreateFormFile("photos", f.name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(f.data)
	}
	mw.Close()
	return &b, mw.FormDataContentType()
}

func (c *client) postFiles(path string, form url.Values, files ...upload) (int, string) {
	c.t.Helper()
	body, ctype := multipartBody(c.t, form, files...)
	req, _ := http.NewRequest("POST", c.srv.URL+path, body)
	req.Header.Set("Content-Type", ctype)
	return c.do(req)
}

func countTickets(t *testing.T, a *app.App) int {
	t.Helper()
	var n int
	if err := a.DB.R.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM tickets`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var ticketNoRE = regexp.MustCompile(`class="ticket-no">(\w+)<`)

// TestSubmitWithPhotos: a guest submits with two good photos and a text
// file named .jpg; the ticket is kept with the two, and the page says which
// photo was refused and why.
func TestSubmitWithPhotos(t *testing.T) {
	a, srv := photoServer(t)
	c := newClient(t, srv)
	_, page := c.get("/submit")
	mustContain(t, page, `enctype="multipart/form-data"`, `name="photos" accept="image/jpeg,image/png,image/webp" multiple capture="environment"`)
	form := url.Values{"csrf": {csrf(t, page)}, "kind": {"help"}, "category_code": {"0101"}, "community": {"110117001001"},
		"description": {"金谷东园北门垃圾堆放"}, "reporter_phone": {"13900001111"}}
	status, body := c.postFiles("/submit", form,
		upload{"north-gate.jpg", jpegBytes(t, color.RGBA{200, 40, 40, 255})},
		upload{"notes.jpg", []byte("这不是图片，只是一段文字。\n")},
		upload{"pile.png", pngBytes(t, color.RGBA{40, 160, 60, 255})})
	if status != 200 {
		t.Fatalf("submit: %d\n%s", status, body)
	}
	mustContain(t, body, "您的诉求已提交", "已上传照片 2 张", "以下照片未被接收", "notes.jpg", "只支持 JPEG、PNG、WebP 图片")
	mustLack(t, body, "north-gate.jpg", "pile.png")
	m := ticketNoRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no ticket number:\n%s", body)
	}
	items, err := a.Attachments.List(t.Context(), adminUser(t, a), m[1])
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 || items[0].Purpose != "report" || items[1].Purpose != "report" {
		t.Fatalf("attachments: %+v", items)
	}
	// The note is shown once.
	_, body = c.get("/submitted/" + m[1])
	mustLack(t, body, "notes.jpg")

	// In English too.
	c.get("/lang?to=en")
	_, page = c.get("/submit")
	form.Set("csrf", csrf(t, page))
	_, body = c.postFiles("/submit", form, upload{"x.jpg", []byte("plain text")})
	mustContain(t, body, "These photos were not accepted", "only JPEG, PNG and WebP images")
}

// TestMultipartCSRFAndSize: a multipart form needs its token like any
// other; a body over the limit is refused whole with 413 and keeps nothing.
func TestMultipartCSRFAndSize(t *testing.T) {
	a, srv := photoServer(t)
	c := newClient(t, srv)
	_, page := c.get("/submit")
	tok := csrf(t, page)
	form := url.Values{"category_code": {"0101"}, "community": {"110117001001"}, "description": {"测试"}, "reporter_phone": {"13900001112"}}
	before := countTickets(t, a)
	img := upload{"a.jpg", jpegBytes(t, color.Gray{128})}
	if status, _ := c.postFiles("/submit", form, img); status != 403 {
		t.Errorf("multipart without token: %d, want 403", status)
	}
	form.Set("csrf", "x"+tok)
	if status, _ := c.postFiles("/submit", form, img); status != 403 {
		t.Errorf("multipart with a wrong token: %d, want 403", status)
	}
	form.Set("csrf", tok)
	// A route without photos takes no multipart body.
	if status, _ := c.postFiles("/track", url.Values{"csrf": {tok}, "number": {"20260101000001"}, "phone": {"13900001112"}}); status != 403 {
		t.Errorf("multipart to /track: %d, want 403", status)
	}

	const over = 9*attachment.MaxSize + 2<<20
	big := func(chunked bool) (int, string) {
		head, ctype := multipartBody(t, form)
		hb, _ := io.ReadAll(head)
		// The closing boundary is at the end of hb; put a huge file before it.
		i := bytes.LastIndex(hb, []byte("--"+ctype[strings.Index(ctype, "boundary=")+9:]))
		part := []byte("--" + ctype[strings.Index(ctype, "boundary=")+9:] + "\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"big.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
		body := io.MultiReader(bytes.NewReader(hb[:i]), bytes.NewReader(part), io.LimitReader(zeros{}, over), bytes.NewReader([]byte("\r\n")), bytes.NewReader(hb[i:]))
		req, _ := http.NewRequest("POST", srv.URL+"/submit", body)
		req.Header.Set("Content-Type", ctype)
		if !chunked {
			req.ContentLength = int64(i+len(part)+2+len(hb)-i) + over
		}
		resp, err := c.hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, chunked := range []bool{false, true} {
		status, body := big(chunked)
		if status != http.StatusRequestEntityTooLarge {
			t.Fatalf("oversized (chunked %v): %d", chunked, status)
		}
		mustContain(t, body, "提交的内容过大：照片最多9张，每张不超过10MB")
	}
	if after := countTickets(t, a); after != before {
		t.Errorf("tickets %d → %d: a refused form kept something", before, after)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func residentLogin(t *testing.T, srv *httptest.Server, phone string) *client {
	t.Helper()
	c := newClient(t, srv)
	_, page := c.get("/login")
	tok := csrf(t, page)
	_, body := c.post("/login/code", url.Values{"csrf": {tok}, "phone": {phone}})
	code := regexp.MustCompile(`演示模式验证码：<strong>(\d+)</strong>`).FindStringSubmatch(body)[1]
	c.post("/login", url.Values{"csrf": {tok}, "phone": {phone}, "code": {code}})
	return c
}

var photoURLRE = regexp.MustCompile(`href="(/(?:staff/)?tickets/\w+/photos/[0-9a-f]{24})"`)

// TestPhotoAccess: the reporter sees her photos after the lookup, without a
// session; another resident, a stranger's browser and another unit's
// handler do not; the lead handler does and adds her own.
func TestPhotoAccess(t *testing.T) {
	a, srv := photoServer(t)
	guest := newClient(t, srv)
	_, page := guest.get("/submit")
	status, body := guest.postFiles("/submit", url.Values{"csrf": {csrf(t, page)}, "category_code": {"0101"},
		"community": {"110117001001"}, "description": {"北门路灯不亮"}, "reporter_phone": {"13900002222"}},
		upload{"lamp.jpg", jpegBytes(t, color.RGBA{10, 10, 80, 255})})
	if status != 200 {
		t.Fatalf("submit: %d", status)
	}
	number := ticketNoRE.FindStringSubmatch(body)[1]
	items, err := a.Attachments.List(t.Context(), adminUser(t, a), number)
	if err != nil || len(items) != 1 {
		t.Fatalf("attachments %v %v", items, err)
	}
	photo := "/tickets/" + number + "/photos/" + items[0].ID

	// Before the lookup the guest's browser is a stranger's.
	if status, _ := guest.get(photo); status != 404 {
		t.Errorf("photo before lookup: %d, want 404", status)
	}
	_, page = guest.get("/track")
	status, body = guest.post("/track", url.Values{"csrf": {csrf(t, page)}, "number": {number}, "phone": {"13900002222"}})
	if status != 200 {
		t.Fatalf("lookup: %d", status)
	}
	mustContain(t, body, "群众上传", photo+`?thumb=1`, `action="/tickets/`+number+`/photos"`)
	for _, p := range []string{photo, photo + "?thumb=1"} {
		resp, err := guest.hc.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" || len(b) == 0 {
			t.Fatalf("%s after lookup: %d %s", p, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if h := resp.Header; h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Cache-Control") != "private, max-age=3600" ||
			!strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("headers %v", h)
		}
	}
	// The lookup cookie is scoped to the ticket, sealed and bound to it.
	u, _ := url.Parse(srv.URL + "/tickets/" + number)
	var look *http.Cookie
	for _, ck := range guest.hc.Jar.Cookies(u) {
		if ck.Name == "gz_lookup" {
			look = ck
		}
	}
	if look == nil {
		t.Fatal("no lookup cookie")
	}
	if strings.Contains(look.Value, "13900002222") {
		t.Error("the lookup cookie shows the phone")
	}
	other := newTicketNumber(t, a, "13900003333")
	otherItems := addPhoto(t, a, other)
	req, _ := http.NewRequest("GET", srv.URL+"/tickets/"+other+"/photos/"+otherItems.ID, nil)
	req.AddCookie(&http.Cookie{Name: "gz_lookup", Value: look.Value})
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 404 {
		t.Errorf("cookie of one ticket on another: %v %v", resp.StatusCode, err)
	}
	tampered := []byte(look.Value)
	tampered[10] ^= 1
	req, _ = http.NewRequest("GET", srv.URL+photo, nil)
	req.AddCookie(&http.Cookie{Name: "gz_lookup", Value: string(tampered)})
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 404 {
		t.Errorf("tampered cookie: %v %v", resp.StatusCode, err)
	}
	// With the cookie the guest opens the ticket page and adds a photo.
	_, body = guest.get("/tickets/" + number)
	mustContain(t, body, "北门路灯不亮", photo+`?thumb=1`)
	status, body = guest.postFiles("/tickets/"+number+"/photos", url.Values{"csrf": {csrf(t, body)}},
		upload{"lamp2.png", pngBytes(t, color.RGBA{0, 0, 0, 255})})
	if status != 200 {
		t.Fatalf("guest upload: %d\n%s", status, body)
	}
	mustContain(t, body, "已上传照片 1 张", "（2/9）")

	// Another resident, logged in.
	res := residentLogin(t, srv, "13800138000")
	if status, _ := res.get(photo); status != 404 {
		t.Errorf("another resident: %d, want 404", status)
	}
	// Another unit's handler, and the lead unit's.
	staffPhoto := "/staff" + photo
	dept := staffLogin(t, srv, "demo-handler-dept", "gongzhi-demo")
	if status, _ := dept.get(staffPhoto); status != 403 {
		t.Errorf("another unit's handler: %d, want 403", status)
	}
	lead := staffLogin(t, srv, "demo-handler", "gongzhi-demo")
	if status, _ := lead.get(staffPhoto + "?thumb=1"); status != 200 {
		t.Errorf("lead handler: %d, want 200", status)
	}
	_, page = lead.get("/staff/tickets/" + number)
	mustContain(t, page, "群众上传", staffPhoto+"?thumb=1", `<option value="before">处置前</option>`, `<option value="reply">答复附件</option>`)
	status, body = lead.postFiles("/staff/tickets/"+number+"/photos", url.Values{"csrf": {csrf(t, page)}, "purpose": {"before"}},
		upload{"before.jpg", jpegBytes(t, color.RGBA{90, 90, 90, 255})})
	if status != 200 {
		t.Fatalf("lead upload: %d", status)
	}
	mustContain(t, body, "已上传照片 1 张", "处置前", "添加照片（处置前）")
	// The handler's reply carries a photo too.
	lead.post("/staff/tickets/"+number+"/sign", url.Values{"csrf": {csrf(t, page)}})
	lead.post("/staff/tickets/"+number+"/contact", url.Values{"csrf": {csrf(t, page)}, "note": {"已电话联系"}})
	status, body = lead.postFiles("/staff/tickets/"+number+"/reply", url.Values{"csrf": {csrf(t, page)}, "reply_text": {"已更换灯泡"}, "resolved": {"yes"}},
		upload{"fixed.jpg", jpegBytes(t, color.RGBA{250, 250, 200, 255})})
	if status != 200 {
		t.Fatalf("reply with photo: %d\n%s", status, body)
	}
	mustContain(t, body, "答复已提交。", "答复附件", "已上传照片 1 张")
	// The reporter's page shows the groups.
	_, body = guest.get("/tickets/" + number)
	mustContain(t, body, "群众上传", "处置前", "答复附件")
	// Another unit cannot upload.
	if status, _ := dept.postFiles("/staff/tickets/"+number+"/photos", url.Values{"csrf": {csrf(t, page)}}, upload{"x.jpg", jpegBytes(t, color.White)}); status != 403 {
		t.Errorf("other unit's upload: %d, want 403", status)
	}
}

func newTicketNumber(t *testing.T, a *app.App, phone string) string {
	t.Helper()
	tk, err := a.Tickets.Create(t.Context(), nil, ticket.NewTicket{CategoryCode: "0101", AreaCode: "110117001001",
		Description: "东门垃圾", ReporterPhone: phone})
	if err != nil {
		t.Fatal(err)
	}
	return tk.Number
}

func addPhoto(t *testing.T, a *app.App, number string) attachment.Attachment {
	t.Helper()
	at, err := a.Attachments.Add(t.Context(), nil, number, "report", "x.jpg", bytes.NewReader(jpegBytes(t, color.RGBA{1, 2, 3, 255})))
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// TestPatrol: the grid worker reports with a photo and her location, fixes
// it herself with an after photo (refused without), and records the check
// a dispatcher asked for through the staff page.
func TestPatrol(t *testing.T) {
	a, srv := photoServer(t)
	grid := staffLogin(t, srv, "demo-grid", "gongzhi-demo")
	_, page := grid.get("/staff/patrol")
	mustContain(t, page, `href="/staff/patrol"`, "巡查上报", "自办自结", "待核查", "金谷东园社区", `id="geo"`, `name="lat"`)
	status, body := grid.postFiles("/staff/patrol", url.Values{"csrf": {csrf(t, page)}, "category_code": {"0101"}, "kind": {"help"},
		"description": {"巡查发现金谷东园3号楼旁垃圾满溢"}, "community": {"110117001001"}, "address": {"3号楼旁"},
		"lat": {"40.140112"}, "lng": {"117.112233"}}, upload{"full.jpg", jpegBytes(t, color.RGBA{120, 80, 20, 255})})
	if status != 200 {
		t.Fatalf("patrol report: %d\n%s", status, body)
	}
	mustContain(t, body, "已上报。", "已上传照片 1 张")
	number := regexp.MustCompile(`href="/staff/tickets/(\w+)">`).FindStringSubmatch(body)[1]
	gridUser, err := a.Auth.UserByUsername(t.Context(), "demo-grid")
	if err != nil {
		t.Fatal(err)
	}
	tk, err := a.Tickets.Get(t.Context(), gridUser, number)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Channel != ticket.ChannelGrid || tk.Lat == nil || *tk.Lat != 40.140112 || tk.AreaCode != "110117001001" {
		t.Fatalf("reported ticket: %+v", tk)
	}
	mustContain(t, body, `action="/staff/patrol/`+number+`/resolve"`)

	// Without an after photo she cannot close it; what she typed stays.
	tok := csrf(t, body)
	status, body = grid.postFiles("/staff/patrol/"+number+"/resolve", url.Values{"csrf": {tok}, "reply_text": {"已现场清理"}})
	if status != 400 {
		t.Fatalf("self-resolve without photo: %d", status)
	}
	mustContain(t, body, "自办自结须上传处理后的照片", "已现场清理")
	// A text file is no photo either.
	status, body = grid.postFiles("/staff/patrol/"+number+"/resolve", url.Values{"csrf": {tok}, "reply_text": {"已现场清理"}},
		upload{"after.jpg", []byte("text")})
	if status != 400 {
		t.Fatalf("self-resolve with a bad photo: %d", status)
	}
	mustContain(t, body, "照片未能上传：只支持 JPEG、PNG、WebP 图片")
	status, body = grid.postFiles("/staff/patrol/"+number+"/resolve", url.Values{"csrf": {tok}, "reply_text": {"已现场清理"}},
		upload{"after.png", pngBytes(t, color.RGBA{240, 240, 240, 255})})
	if status != 200 {
		t.Fatalf("self-resolve: %d\n%s", status, body)
	}
	mustContain(t, body, "已自办自结。")
	if tk, _ = a.Tickets.Get(t.Context(), gridUser, number); tk.Status != ticket.StatusClosed {
		t.Fatalf("status %s after self-resolve", tk.Status)
	}
	_, body = grid.get("/staff/tickets/" + number)
	mustContain(t, body, "处置后", "群众上传", "网格员现场自办自结")

	// The check: a ticket replied by the street office, a check asked for
	// by the dispatcher on the staff page, recorded by the grid worker.
	check := newTicketNumber(t, a, "13900004444")
	handler, _ := a.Auth.UserByUsername(t.Context(), "demo-handler")
	yes := true
	for _, act := range []struct {
		name string
		in   ticket.ActionInput
	}{{ticket.ActionSign, ticket.ActionInput{}}, {ticket.ActionContact, ticket.ActionInput{Note: "已联系"}}, {ticket.ActionReply, ticket.ActionInput{ReplyText: "已清运", Resolved: &yes}}} {
		if _, err := a.Tickets.Act(t.Context(), handler, check, act.name, act.in); err != nil {
			t.Fatal(act.name, err)
		}
	}
	disp := staffLogin(t, srv, "demo-dispatcher", "gongzhi-demo")
	_, page = disp.get("/staff/tickets/" + check)
	postOK(t, disp, "/staff/tickets/"+check+"/request_check", url.Values{"csrf": {csrf(t, page)}, "note": {"请核实东门垃圾是否清运干净"}},
		"已要求现场核查。")
	_, page = grid.get("/staff/patrol")
	mustContain(t, page, `action="/staff/patrol/`+check+`/check"`, "请核实东门垃圾是否清运干净")
	status, body = grid.postFiles("/staff/patrol/"+check+"/check", url.Values{"csrf": {csrf(t, page)}, "note": {"已清运"}})
	if status != 400 {
		t.Fatalf("check without passed: %d", status)
	}
	mustContain(t, body, "请选择核查是否通过")
	status, body = grid.postFiles("/staff/patrol/"+check+"/check", url.Values{"csrf": {csrf(t, page)}, "passed": {"yes"}, "note": {"现场已清理干净"}},
		upload{"checked.jpg", jpegBytes(t, color.RGBA{60, 60, 200, 255})})
	if status != 200 {
		t.Fatalf("check: %d\n%s", status, body)
	}
	// The photo of the check is kept as an after photo.
	if list, err := a.Attachments.List(t.Context(), gridUser, check); err != nil || len(list) != 1 || list[0].Purpose != "after" {
		t.Fatalf("the check's photo: %v %+v", err, list)
	}
	mustContain(t, body, "核查结果已录入。")
	mustLack(t, body, `action="/staff/patrol/`+check+`/check"`)
	if tk, _ = a.Tickets.Get(t.Context(), gridUser, check); tk.CheckStatus != "passed" {
		t.Fatalf("check status %q", tk.CheckStatus)
	}

	// The patrol page is the grid workers'.
	if status, _ := disp.get("/staff/patrol"); status != 403 {
		t.Errorf("dispatcher on patrol page: %d, want 403", status)
	}
	_, page = disp.get("/staff")
	mustLack(t, page, `href="/staff/patrol"`)
}

// TestSubmitTooManyAndTooBig: the tenth photo and a photo over 10 MB are
// reported; the ticket and the first nine are kept.
func TestSubmitTooManyAndTooBig(t *testing.T) {
	a, srv := photoServer(t)
	c := newClient(t, srv)
	_, page := c.get("/submit")
	form := url.Values{"csrf": {csrf(t, page)}, "category_code": {"0101"}, "community": {"110117001001"},
		"description": {"北门垃圾"}, "reporter_phone": {"13900001113"}}
	var files []upload
	for i := 0; i < 10; i++ {
		files = append(files, upload{fmt.Sprintf("p%02d.jpg", i+1), jpegBytes(t, color.RGBA{uint8(20 * i), 100, 50, 255})})
	}
	status, body := c.postFiles("/submit", form, files...)
	if status != 200 {
		t.Fatalf("submit: %d", status)
	}
	mustContain(t, body, "已上传照片 9 张", "p10.jpg", "每张工单最多9张照片")
	items, err := a.Attachments.List(t.Context(), adminUser(t, a), ticketNoRE.FindStringSubmatch(body)[1])
	if err != nil || len(items) != 9 {
		t.Fatalf("kept %d photos, %v", len(items), err)
	}
	big := append(jpegBytes(t, color.White), make([]byte, attachment.MaxSize)...)
	status, body = c.postFiles("/submit", form, upload{"huge.jpg", big})
	if status != 200 {
		t.Fatalf("submit with a huge photo: %d", status)
	}
	mustContain(t, body, "您的诉求已提交", "huge.jpg", "单个文件不能超过10MB")
}

// TestLookupCookieAcrossProcesses: two servers on one database (two
// processes behind one address, or one after a restart) accept each other's
// lookup cookies, since the key is kept in the database.
func TestLookupCookieAcrossProcesses(t *testing.T) {
	cfg := config.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Demo: true, BcryptCost: 4}
	var urls []string
	for range 2 {
		a, err := app.New(t.Context(), cfg, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(a.Handler)
		t.Cleanup(func() { srv.Close(); a.Close() })
		urls = append(urls, srv.URL)
	}
	guest := newClient(t, &httptest.Server{URL: urls[0]})
	_, page := guest.get("/submit")
	status, body := guest.post("/submit", url.Values{"csrf": {csrf(t, page)}, "category_code": {"0101"},
		"community": {"110117001001"}, "description": {"西门路灯不亮"}, "reporter_phone": {"13900004444"}})
	if status != 200 {
		t.Fatalf("submit: %d", status)
	}
	number := ticketNoRE.FindStringSubmatch(body)[1]
	_, page = guest.get("/track")
	if status, _ := guest.post("/track", url.Values{"csrf": {csrf(t, page)}, "number": {number}, "phone": {"13900004444"}}); status != 200 {
		t.Fatalf("lookup: %d", status)
	}
	u, _ := url.Parse(urls[0] + "/tickets/" + number)
	var look *http.Cookie
	for _, ck := range guest.hc.Jar.Cookies(u) {
		if ck.Name == "gz_lookup" {
			look = ck
		}
	}
	if look == nil {
		t.Fatal("no lookup cookie")
	}
	for i, base := range urls {
		req, _ := http.NewRequest("GET", base+"/tickets/"+number, nil)
		req.AddCookie(&http.Cookie{Name: "gz_lookup", Value: look.Value})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), "西门路灯不亮") {
			t.Errorf("server %d with the cookie: %d, ticket shown: %v", i+1, resp.StatusCode, strings.Contains(string(b), "西门路灯不亮"))
		}
	}
}

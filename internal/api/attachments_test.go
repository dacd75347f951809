package api_test

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math"

	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// gpsJPEG is a w×h JPEG of one colour carrying Exif GPS 40.1400 N, 117.1200 E
// (40° 8' 24", 117° 7' 12"), big-endian, in an APP1 segment after the SOI.
func gpsJPEG(t *testing.T, w, h int, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range w * h {
		img.Set(i%w, i/w, c)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	be := binary.BigEndian
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08")
	entry := func(tag, typ uint16, count, value uint32) {
		tiff = be.AppendUint16(tiff, tag)
		tiff = be.AppendUint16(tiff, typ)
		tiff = be.AppendUint32(tiff, count)
		tiff = be.AppendUint32(tiff, value)
	}
	tiff = be.AppendUint16(tiff, 1)
	entry(0x8825, 4, 1, 26) // GPS IFD at 8 + 2 + 12 + 4
	tiff = be.AppendUint32(tiff, 0)
	tiff = be.AppendUint16(tiff, 4)
	entry(1, 2, 2, 'N'<<24)
	entry(2, 5, 3, 80) // rationals after the GPS IFD: 26 + 2 + 48 + 4
	entry(3, 2, 2, 'E'<<24)
	entry(4, 5, 3, 104)
	tiff = be.AppendUint32(tiff, 0)
	for _, r := range []uint32{40, 1, 8, 1, 24, 1, 117, 1, 7, 1, 12, 1} {
		tiff = be.AppendUint32(tiff, r)
	}
	seg := append([]byte("Exif\x00\x00"), tiff...)
	j := buf.Bytes()
	out := append([]byte{0xFF, 0xD8, 0xFF, 0xE1}, be.AppendUint16(nil, uint16(len(seg)+2))...)
	out = append(out, seg...)
	return append(out, j[2:]...)
}

// upload sends a multipart body: fields first, then the file. number may
// carry a query string.
func upload(t *testing.T, srv *httptest.Server, number, token string, fields map[string]string, name string, data []byte) (int, map[string]any) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	code, _, m := sendUpload(t, srv, number, token, "", mw.FormDataContentType(), body.Bytes())
	return code, m
}

func fetch(t *testing.T, srv *httptest.Server, path, token string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", srv.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func residentToken(t *testing.T, srv *httptest.Server, phone string) string {
	t.Helper()
	code, _, m := post(t, srv, "/api/v1/auth/code", "", "", map[string]string{"phone": phone})
	if code != 202 {
		t.Fatalf("code for %s: %d %v", phone, code, m)
	}
	code, _, m = post(t, srv, "/api/v1/auth/token", "", "", map[string]string{"phone": phone, "code": m["dev_code"].(string)})
	if code != 200 {
		t.Fatalf("resident login: %d %v", code, m)
	}
	return m["token"].(string)
}

func errCode(m map[string]any) any {
	e, _ := m["error"].(map[string]any)
	return e["code"]
}

func TestAttachmentsAPI(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			srv := newServer(t, engine)
			resident := residentToken(t, srv, "13800138000")
			other := residentToken(t, srv, "13900139000")
			handler := login(t, srv, "demo-handler")
			dept := login(t, srv, "demo-handler-dept")
			code, _, tk := post(t, srv, "/api/v1/tickets", resident, "", map[string]any{"kind": "complaint", "category_code": "0101",
				"description": "金谷东园北门垃圾堆积", "area_code": "110117001001", "channel": "snapshot"})
			if code != 201 {
				t.Fatalf("submit: %d %v", code, tk)
			}
			n := tk["number"].(string)
			if tk["lat"] != nil {
				t.Fatalf("the ticket has a place already: %v", tk["lat"])
			}

			// The reporter's photo: kept, and its GPS places the ticket.
			pic := gpsJPEG(t, 64, 48, color.RGBA{30, 120, 30, 255})
			code, a := upload(t, srv, n, resident, nil, "北门 垃圾\".jpg", pic)
			if code != 201 || a["purpose"] != "report" || a["content_type"] != "image/jpeg" || a["width"] != 64.0 {
				t.Fatalf("upload: %d %v", code, a)
			}
			id := a["id"].(string)
			if a["url"] != "/api/v1/tickets/"+n+"/attachments/"+id || a["thumb_url"] != a["url"].(string)+"?thumb=1" {
				t.Fatalf("urls: %v", a)
			}
			tk = get(t, srv, "/api/v1/tickets/"+n, resident)
			if lat, _ := tk["lat"].(float64); math.Abs(lat-40.14) > 1e-6 {
				t.Fatalf("ticket place after the photo: %v %v", tk["lat"], tk["lng"])
			}
			evs := get(t, srv, "/api/v1/tickets/"+n+"/events", resident)["items"].([]any)
			if last := evs[len(evs)-1].(map[string]any); last["action"] != "attach" || last["note"] != "report "+id {
				t.Fatalf("timeline: %v", last)
			}

			// The lead unit's photo before the work; purpose sent as a field.
			code, b := upload(t, srv, n, handler, map[string]string{"purpose": "before"}, "before.png", pngFile(t))
			if code != 201 || b["purpose"] != "before" || b["content_type"] != "image/png" {
				t.Fatalf("handler upload: %d %v", code, b)
			}
			if code, m := upload(t, srv, n+"?purpose=after", handler, nil, "after.jpg", gpsJPEG(t, 8, 8, color.White)); code != 201 || m["purpose"] != "after" {
				t.Fatalf("purpose in the query: %d %v", code, m)
			}

			list := get(t, srv, "/api/v1/tickets/"+n+"/attachments", handler)
			if items, _ := list["items"].([]any); len(items) != 3 || items[0].(map[string]any)["id"] != id {
				t.Fatalf("list: %v", list)
			}
			tkm := get(t, srv, "/api/v1/tickets/"+n, handler)
			refs, _ := tkm["attachments"].([]any)
			if len(refs) != 3 || refs[0].(map[string]any)["thumb_url"] != "/api/v1/tickets/"+n+"/attachments/"+id+"?thumb=1" {
				t.Fatalf("the ticket lists its photos: %v", tkm["attachments"])
			}

			// Serving: the image without its Exif (the rest of the bytes as
			// sent), with headers that keep the browser from guessing.
			resp, body := fetch(t, srv, "/api/v1/tickets/"+n+"/attachments/"+id, handler)
			h := resp.Header
			if resp.StatusCode != 200 || len(body) < 100 || bytes.Contains(body, []byte("Exif")) || !bytes.HasSuffix(pic, body[2:]) ||
				h.Get("Content-Type") != "image/jpeg" ||
				h.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(h.Get("Cache-Control"), "private") {
				t.Fatalf("serve: %d %v", resp.StatusCode, h)
			}
			if cd := h.Get("Content-Disposition"); !strings.HasPrefix(cd, "inline;") || !strings.Contains(cd, "filename*=utf-8''") ||
				strings.ContainsAny(cd, "\r\n") || strings.Contains(cd, `"北`) {
				t.Fatalf("Content-Disposition: %q", cd)
			}
			etag := h.Get("ETag")
			resp, body = fetch(t, srv, "/api/v1/tickets/"+n+"/attachments/"+id+"?thumb=1", resident)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" {
				t.Fatalf("thumbnail: %d %v", resp.StatusCode, resp.Header)
			}
			if img, err := jpeg.Decode(bytes.NewReader(body)); err != nil || img.Bounds().Dx() != 64 {
				t.Fatalf("thumbnail image: %v", err)
			}
			req, _ := http.NewRequest("GET", srv.URL+"/api/v1/tickets/"+n+"/attachments/"+id, nil)
			req.Header.Set("Authorization", "Bearer "+resident)
			req.Header.Set("If-None-Match", etag)
			if r, err := http.DefaultClient.Do(req); err != nil || r.StatusCode != 304 {
				t.Fatalf("conditional request: %v %v", r, err)
			}

			// Who may not.
			for _, tc := range []struct {
				who, token, path string
				want             int
			}{
				{"another unit lists", dept, "/attachments", 403},
				{"another unit fetches", dept, "/attachments/" + id, 403},
				{"another resident lists", other, "/attachments", 404},
				{"another resident fetches", other, "/attachments/" + id + "?thumb=1", 404},
				{"nobody", "", "/attachments/" + id, 401},
				{"a bad thumb flag", resident, "/attachments/" + id + "?thumb=yes", 400},
				{"an unknown id", resident, "/attachments/0123456789abcdef01234567", 404},
			} {
				if resp, _ := fetch(t, srv, "/api/v1/tickets/"+n+tc.path, tc.token); resp.StatusCode != tc.want {
					t.Errorf("%s: %d, want %d", tc.who, resp.StatusCode, tc.want)
				}
			}
			if code, m := upload(t, srv, n, dept, map[string]string{"purpose": "after"}, "x.jpg", pic); code != 403 {
				t.Fatalf("another unit uploads: %d %v", code, m)
			}
			if code, m := upload(t, srv, n, other, nil, "x.jpg", pic); code != 404 {
				t.Fatalf("another resident uploads: %d %v", code, m)
			}
			if code, m := upload(t, srv, n, resident, map[string]string{"purpose": "after"}, "x.jpg", pic); code != 403 {
				t.Fatalf("the reporter's after photo: %d %v", code, m)
			}

			// What is refused.
			if code, m := upload(t, srv, n, resident, nil, "photo.jpg", []byte("just some text, named like a photo")); code != 400 || errCode(m) != "invalid" {
				t.Fatalf("text named .jpg: %d %v", code, m)
			}
			big := append(gpsJPEG(t, 8, 8, color.Black), make([]byte, 11<<20)...)
			if code, m := upload(t, srv, n, resident, nil, "big.jpg", big); code != 413 || errCode(m) != "too_large" {
				t.Fatalf("11 MB: %d %v", code, m)
			}
			// Without a length, the body is streamed and refused past 10 MB.
			pr, pw := io.Pipe()
			mw := multipart.NewWriter(pw)
			go func() {
				fw, _ := mw.CreateFormFile("file", "big.jpg")
				fw.Write(big)
				mw.Close()
				pw.Close()
			}()
			req, _ = http.NewRequest("POST", srv.URL+"/api/v1/tickets/"+n+"/attachments", pr)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Authorization", "Bearer "+resident)
			if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 413 {
				t.Fatalf("11 MB streamed: %v %v", resp, err)
			} else {
				resp.Body.Close()
			}
			if code, m := send(t, srv, "POST", "/api/v1/tickets/"+n+"/attachments", resident, map[string]any{"file": "x"}); code != 400 {
				t.Fatalf("JSON instead of multipart: %d %v", code, m)
			}
			if code, m := upload(t, srv, n, resident, nil, "", nil); code != 400 {
				t.Fatalf("an empty file: %d %v", code, m)
			}
			for i := 3; i < 9; i++ {
				if code, m := upload(t, srv, n, resident, nil, "p.jpg", gpsJPEG(t, 8, 8, color.Gray{uint8(i * 20)})); code != 201 {
					t.Fatalf("photo %d: %d %v", i+1, code, m)
				}
			}
			if code, m := upload(t, srv, n, resident, nil, "p.jpg", gpsJPEG(t, 8, 8, color.Gray{250})); code != 409 || errCode(m) != "conflict" {
				t.Fatalf("10th photo: %d %v", code, m)
			}
		})
	}
}

func pngFile(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 12, 9))
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// noiseJPEG is a w×h JPEG of random pixels: it hardly compresses, so it is
// large for its size.
func noiseJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rand.Read(img.Pix)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sendUpload posts one prepared multipart body, with an Idempotency-Key
// when key is not empty. number may carry a query string.
func sendUpload(t *testing.T, srv *httptest.Server, number, token, key, ctype string, body []byte) (int, http.Header, map[string]any) {
	t.Helper()
	number, query, _ := strings.Cut(number, "?")
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/tickets/"+number+"/attachments?"+query, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, resp.Header, m
}

// TestIdempotentUpload: an upload retried with its Idempotency-Key (the same
// bytes, as a client resends them) gets the first answer; the key with
// another file is refused; a photo past the 1 MB of other bodies is taken.
func TestIdempotentUpload(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(engine, func(t *testing.T) {
			srv := newServer(t, engine)
			agent := login(t, srv, "demo-agent")
			code, _, tk := post(t, srv, "/api/v1/tickets", agent, "", map[string]any{"kind": "complaint", "category_code": "0101",
				"description": "金谷东园北门垃圾堆积", "area_code": "110117001001", "reporter_phone": "13912345678"})
			if code != 201 {
				t.Fatalf("submit: %d %v", code, tk)
			}
			n := tk["number"].(string)
			multipartOf := func(data []byte) (string, []byte) {
				var body bytes.Buffer
				mw := multipart.NewWriter(&body)
				fw, _ := mw.CreateFormFile("file", "photo.jpg")
				fw.Write(data)
				mw.Close()
				return mw.FormDataContentType(), body.Bytes()
			}
			big := noiseJPEG(t, 1000, 800)
			if len(big) <= 1<<20 {
				t.Fatalf("the large photo is only %d bytes", len(big))
			}
			ctype, body := multipartOf(big)
			code, h, first := sendUpload(t, srv, n+"?purpose=report", agent, "photo-1", ctype, body)
			if code != 201 || h.Get("Idempotent-Replayed") != "" {
				t.Fatalf("upload: %d %v", code, first)
			}
			code, h, again := sendUpload(t, srv, n+"?purpose=report", agent, "photo-1", ctype, body)
			if code != 201 || h.Get("Idempotent-Replayed") != "true" || again["id"] != first["id"] {
				t.Fatalf("retry: %d %v %v, first %v", code, h, again, first)
			}
			ctype2, body2 := multipartOf(gpsJPEG(t, 40, 30, color.RGBA{200, 10, 10, 255}))
			if code, _, m := sendUpload(t, srv, n+"?purpose=report", agent, "photo-1", ctype2, body2); code != 409 {
				t.Fatalf("the key with another photo: %d %v", code, m)
			}
			list := get(t, srv, "/api/v1/tickets/"+n+"/attachments", agent)
			if k := len(list["items"].([]any)); k != 1 {
				t.Fatalf("%d attachments after the retries, want 1", k)
			}
		})
	}
}

package web

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/limit"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// The server's read-aloud: for a browser without speech synthesis or
// without a Chinese voice, GET /speak?page=<a resident page> renders that
// page for the one who asks (her cookies, her language), takes the text of
// its main part and speaks it through espeak-ng. No text is ever taken from
// the request: only pages this server renders are spoken.
const (
	maxSpeakRunes   = 1500             // about six minutes of speech
	maxSpeakWAV     = 16 << 20         // bytes of espeak-ng's output kept
	maxSpeakPage    = 1 << 20          // bytes of a rendered page read
	speakTimeout    = 30 * time.Second // one synthesis
	speakConcurrent = 2                // syntheses at once, for the whole process
	speakQueueWait  = 3 * time.Second  // how long a request waits for a turn
)

// speaker holds what the read-aloud shares between requests.
type speaker struct {
	once  sync.Once
	pages http.Handler  // the site's own pages, rendered for the text
	sem   chan struct{} // turns to run espeak-ng
	perIP *limit.Limiter
}

func (s *Server) speech() *speaker {
	sp := &s.speaker
	sp.once.Do(func() {
		mux := http.NewServeMux()
		s.Routes(mux)
		sp.pages = mux
		sp.sem = make(chan struct{}, speakConcurrent)
		sp.perIP = limit.New(20, time.Minute)
	})
	return sp
}

// speakable reports whether p is a resident page that may be read aloud.
func speakable(p string) bool {
	switch p {
	case "/", "/submit", "/track", "/login", "/my", "/public":
		return true
	}
	for _, prefix := range []string{"/tickets/", "/submitted/"} {
		if n, ok := strings.CutPrefix(p, prefix); ok {
			return ticket.ValidNumber(n)
		}
	}
	return false
}

var (
	errSpeakPage = errs.NotFoundf("这个页面不能朗读", "this page cannot be read aloud")
	errSpeakNone = errs.New(errs.Unavailable, "服务器未安装语音合成（espeak-ng），请使用浏览器自带的朗读",
		"speech synthesis (espeak-ng) is not installed on the server; use the browser's own reading")
	errSpeakBusy   = errs.New(errs.TooMany, "朗读的人太多，请稍后再试", "too many people are listening right now; please try again shortly")
	errSpeakFailed = errs.New(errs.Unavailable, "语音合成失败，请稍后再试", "speech synthesis failed; please try again later")
)

// speak answers GET /speak?page=…[&part=timeline|next] with a WAV.
func (s *Server) speak(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, part := q.Get("page"), q.Get("part")
	if !speakable(page) || (part != "" && part != "timeline" && part != "next") {
		s.fail(w, r, errSpeakPage)
		return
	}
	sp := s.speech()
	if err := limit.Check(sp.perIP, limit.ClientIP(r)); err != nil {
		errs.SetRetryAfter(w.Header(), err)
		s.fail(w, r, err)
		return
	}
	exe, err := exec.LookPath("espeak-ng")
	if err != nil {
		w.Header().Set("Retry-After", "3600")
		s.fail(w, r, errSpeakNone)
		return
	}
	text, err := s.pageText(r, page, part)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	wait, cancel := context.WithTimeout(r.Context(), speakQueueWait)
	defer cancel()
	select {
	case sp.sem <- struct{}{}:
		defer func() { <-sp.sem }()
	case <-wait.Done():
		w.Header().Set("Retry-After", "5")
		s.fail(w, r, errSpeakBusy)
		return
	}
	voice := "cmn"
	if state(r).lang == "en" {
		voice = "en"
	}
	wav, err := synthesize(r.Context(), exe, voice, text)
	if err != nil {
		s.Log.Warn("speak", "page", page, "err", err)
		s.fail(w, r, errSpeakFailed)
		return
	}
	w.Header().Set("Content-Type", "audio/wav")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Write(wav)
}

// synthesize runs espeak-ng on text and returns a WAV.
func synthesize(ctx context.Context, exe, voice, text string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, speakTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-v", voice, "-s", "165", "--stdout")
	cmd.Stdin = strings.NewReader(text)
	out := &capped{max: maxSpeakWAV}
	cmd.Stdout = out
	if err := cmd.Run(); err != nil && !errors.Is(err, errCapped) {
		return nil, err
	}
	return halveWAV(out.Bytes())
}

var errCapped = errors.New("output too long")

// capped is a buffer that keeps at most max bytes and then refuses more,
// which stops espeak-ng.
type capped struct {
	bytes.Buffer
	max int
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.Len(); len(p) > room {
		c.Buffer.Write(p[:room])
		return room, errCapped
	}
	return c.Buffer.Write(p)
}

// halveWAV takes espeak-ng's output (a 44-byte header, then 16-bit mono
// PCM whose sizes are left unknown when written to a pipe) and returns a
// WAV with its sizes right, at half the sample rate when that is above
// 16 kHz (speech loses nothing, the file half its size).
func halveWAV(b []byte) ([]byte, error) {
	if len(b) < 44 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" || string(b[12:16]) != "fmt " ||
		string(b[36:40]) != "data" || binary.LittleEndian.Uint16(b[22:24]) != 1 || binary.LittleEndian.Uint16(b[34:36]) != 16 {
		return nil, errors.New("espeak-ng: not a 16-bit mono WAV")
	}
	rate := binary.LittleEndian.Uint32(b[24:28])
	pcm := b[44:]
	pcm = pcm[:len(pcm)&^1]
	if rate > 16000 {
		half := make([]byte, 0, len(pcm)/2+2)
		for i := 0; i+3 < len(pcm); i += 4 {
			a := int32(int16(binary.LittleEndian.Uint16(pcm[i:])))
			c := int32(int16(binary.LittleEndian.Uint16(pcm[i+2:])))
			half = binary.LittleEndian.AppendUint16(half, uint16(int16((a+c)/2)))
		}
		pcm, rate = half, rate/2
	}
	out := make([]byte, 44, 44+len(pcm))
	copy(out, "RIFF")
	binary.LittleEndian.PutUint32(out[4:], uint32(36+len(pcm)))
	copy(out[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(out[16:], 16)
	binary.LittleEndian.PutUint16(out[20:], 1) // PCM
	binary.LittleEndian.PutUint16(out[22:], 1) // mono
	binary.LittleEndian.PutUint32(out[24:], rate)
	binary.LittleEndian.PutUint32(out[28:], rate*2)
	binary.LittleEndian.PutUint16(out[32:], 2)
	binary.LittleEndian.PutUint16(out[34:], 16)
	copy(out[36:], "data")
	binary.LittleEndian.PutUint32(out[40:], uint32(len(pcm)))
	return append(out, pcm...), nil
}

// pageRecorder keeps a page rendered inside the server.
type pageRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (p *pageRecorder) Header() http.Header { return p.header }
func (p *pageRecorder) WriteHeader(code int) {
	if p.status == 0 {
		p.status = code
	}
}
func (p *pageRecorder) Write(b []byte) (int, error) {
	p.WriteHeader(http.StatusOK)
	if room := maxSpeakPage - p.body.Len(); len(b) > room {
		b = b[:max(room, 0)]
	}
	return p.body.Write(b)
}

// pageText renders page as the asker would see it and returns the text of
// its main part (or of the part with that id), at most maxSpeakRunes.
func (s *Server) pageText(r *http.Request, page, part string) (string, error) {
	in, err := http.NewRequestWithContext(r.Context(), http.MethodGet, page, nil)
	if err != nil {
		return "", errSpeakPage
	}
	in.RemoteAddr, in.Host = r.RemoteAddr, r.Host
	in.Header.Set("Cookie", r.Header.Get("Cookie"))
	rec := &pageRecorder{header: http.Header{}}
	s.speech().pages.ServeHTTP(rec, in)
	if rec.status != http.StatusOK {
		return "", errSpeakPage // not hers, not found, or a login page instead
	}
	text := mainText(rec.body.Bytes(), part, state(r).lang)
	if text == "" {
		return "", errSpeakPage
	}
	return text, nil
}

// unspoken are the elements whose text is not read: controls, scripts and
// what is hidden.
var unspoken = map[string]bool{"script": true, "style": true, "input": true, "select": true, "textarea": true,
	"button": true, "audio": true, "svg": true, "noscript": true, "template": true, "option": true}

// blocks end a line of what is read.
var blocks = map[string]bool{"p": true, "li": true, "h1": true, "h2": true, "h3": true, "dt": true, "dd": true,
	"div": true, "section": true, "tr": true, "label": true, "legend": true, "time": true, "caption": true, "form": true}

// mainText returns the text of the element with id part (main when part
// is empty) of an HTML page: one line a block, each ending with a stop so
// the voice pauses, hidden parts and controls left out.
func mainText(page []byte, part, lang string) string {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return ""
	}
	if part == "" {
		part = "main"
	}
	root := findID(doc, part)
	if root == nil {
		return ""
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			return
		}
		if n.Type == html.ElementNode && (unspoken[n.Data] || silent(n)) {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == html.ElementNode && blocks[n.Data] {
			b.WriteString("\n")
		}
	}
	walk(root)
	return speechLines(b.String(), lang)
}

func findID(n *html.Node, id string) *html.Node {
	if n.Type == html.ElementNode {
		for _, a := range n.Attr {
			if a.Key == "id" && a.Val == id {
				return n
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findID(c, id); f != nil {
			return f
		}
	}
	return nil
}

// silent: hidden, hidden from assistive technology, or marked not to be read.
func silent(n *html.Node) bool {
	for _, a := range n.Attr {
		switch {
		case a.Key == "hidden", a.Key == "data-nospeak", a.Key == "aria-hidden" && a.Val == "true":
			return true
		}
	}
	return false
}

// speechLines trims and joins the lines of text, ending each with a stop,
// and cuts the whole at maxSpeakRunes.
func speechLines(text, lang string) string {
	stop := "。"
	if lang == "en" {
		stop = "."
	}
	var out []string
	n := 0
	for _, line := range strings.Split(text, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			continue
		}
		if last, _ := utf8.DecodeLastRuneInString(line); !strings.ContainsRune("。！？.!?：:；;，,", last) {
			line += stop
		}
		if c := utf8.RuneCountInString(line); n+c > maxSpeakRunes {
			break
		} else {
			n += c
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

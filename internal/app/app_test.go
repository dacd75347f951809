package app

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/config"
)

func newTestApp(t *testing.T, edit func(*config.Config)) *App {
	t.Helper()
	cfg := config.Default()
	cfg.Addr, cfg.DataDir, cfg.BcryptCost, cfg.AdminPassword, cfg.NoWorker = "127.0.0.1:0", t.TempDir(), 4, "lantern-river-42", true
	if edit != nil {
		edit(&cfg)
	}
	a, err := New(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func get(h http.Handler, path, peer string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", path, nil)
	r.RemoteAddr = peer
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// TestMetricsAccess: /metrics answers the listed addresses (loopback unless
// configured) and a caller with the token, nobody else; a request that came
// through a proxy is not taken for a local one.
func TestMetricsAccess(t *testing.T) {
	a := newTestApp(t, nil)
	if w := get(a.Handler, "/metrics", "127.0.0.1:5000"); w.Code != 200 || !strings.Contains(w.Body.String(), "go_goroutines") {
		t.Fatalf("loopback: %d", w.Code)
	}
	if w := get(a.Handler, "/metrics", "[::1]:5000"); w.Code != 200 {
		t.Fatalf("IPv6 loopback: %d", w.Code)
	}
	if w := get(a.Handler, "/metrics", "203.0.113.5:5000"); w.Code != http.StatusForbidden || strings.Contains(w.Body.String(), "go_goroutines") {
		t.Fatalf("a stranger: %d", w.Code)
	}
	if w := get(a.Handler, "/metrics", "127.0.0.1:5000", "X-Forwarded-For", "203.0.113.5"); w.Code != http.StatusForbidden {
		t.Fatalf("through a local proxy: %d", w.Code)
	}

	a = newTestApp(t, func(c *config.Config) { c.MetricsAllow = "198.51.100.0/24"; c.MetricsToken = "s3cret-metrics-token" })
	for _, tt := range []struct {
		peer, auth string
		want       int
	}{
		{"198.51.100.9:1", "", 200},
		{"127.0.0.1:1", "", 403},
		{"203.0.113.5:1", "Bearer s3cret-metrics-token", 200},
		{"203.0.113.5:1", "Bearer wrong", 403},
		{"203.0.113.5:1", "s3cret-metrics-token", 403},
	} {
		if w := get(a.Handler, "/metrics", tt.peer, "Authorization", tt.auth); w.Code != tt.want {
			t.Errorf("peer %s auth %q: %d, want %d", tt.peer, tt.auth, w.Code, tt.want)
		}
	}
	if _, err := config.Parse([]string{"--metrics-allow", "nonsense"}, func(string) string { return "" }, io.Discard); err == nil {
		t.Error("a bad --metrics-allow was accepted")
	}
}

// TestTrustedProxies: behind a listed proxy the limits see each client's own
// address; a client that is not a listed proxy cannot choose its address.
func TestTrustedProxies(t *testing.T) {
	a := newTestApp(t, func(c *config.Config) { c.TrustedProxies = "10.0.0.0/8" })
	// Each client may ask for 20 codes a minute; a proxy that hid them
	// would make them share one allowance.
	codes := func(peer, xff string) int {
		n := 0
		for i := 0; i < 25; i++ {
			if a.tryCode(t, peer, xff) {
				n++
			}
		}
		return n
	}
	if n := codes("10.0.0.2:1", "198.51.100.1"); n != 20 {
		t.Fatalf("first client through the proxy: %d codes", n)
	}
	if n := codes("10.0.0.2:1", "198.51.100.2"); n != 20 {
		t.Fatalf("second client through the proxy: %d codes, want its own 20", n)
	}
	if n := codes("203.0.113.5:1", "198.51.100.3"); n != 20 {
		t.Fatalf("a direct client: %d", n)
	}
	// The same client spoofing another address from outside gets nothing more.
	if n := codes("203.0.113.5:1", "198.51.100.4"); n != 0 {
		t.Fatalf("a spoofed X-Forwarded-For from an untrusted peer was believed: %d more codes", n)
	}
}

// tryCode asks for a one-time code from peer and reports whether the limit
// let it through.
func (a *App) tryCode(t *testing.T, peer, xff string) bool {
	t.Helper()
	r := httptest.NewRequest("POST", "/api/v1/auth/code", strings.NewReader(`{"phone":"13900000000"}`))
	r.Header.Set("Content-Type", "application/json")
	r.RemoteAddr = peer
	r.Header.Set("X-Forwarded-For", xff)
	w := httptest.NewRecorder()
	a.Handler.ServeHTTP(w, r)
	return w.Code != http.StatusTooManyRequests || !strings.Contains(w.Body.String(), "秒后再试")
}

// TestSecureCookiesAndHSTS: with an https public address every cookie is
// Secure and every answer carries HSTS; without one, neither.
func TestSecureCookiesAndHSTS(t *testing.T) {
	for _, pub := range []string{"", "http://gz.example", "https://gz.example"} {
		a := newTestApp(t, func(c *config.Config) { c.BaseURL = pub })
		https := strings.HasPrefix(pub, "https")
		for _, path := range []string{"/login", "/lang?to=en&back=/", "/big?on=1&back=/", "/api/v1/categories"} {
			w := get(a.Handler, path, "127.0.0.1:1")
			if hsts := w.Header().Get("Strict-Transport-Security"); (hsts != "") != https || (https && !strings.Contains(hsts, "max-age=")) {
				t.Errorf("%q %s: HSTS %q", pub, path, hsts)
			}
			for _, c := range w.Result().Cookies() {
				if c.Secure != https {
					t.Errorf("%q %s: cookie %s Secure=%v", pub, path, c.Name, c.Secure)
				}
				// Over HTTPS the anonymous CSRF cookie cannot be planted
				// from a sibling subdomain or over plain HTTP.
				if strings.HasSuffix(c.Name, "gz_csrf") && (c.Name == "__Host-gz_csrf") != https {
					t.Errorf("%q %s: CSRF cookie named %s", pub, path, c.Name)
				}
			}
		}
	}
	if _, err := config.Parse([]string{"--public-url", "ftp://x"}, func(string) string { return "" }, io.Discard); err == nil {
		t.Error("a public URL that is not http(s) was accepted")
	}
	c, err := config.Parse(nil, func(k string) string { return map[string]string{"GONGZHI_BASE_URL": "https://old.example"}[k] }, io.Discard)
	if err != nil || c.BaseURL != "https://old.example" {
		t.Errorf("GONGZHI_BASE_URL still sets the public address: %q %v", c.BaseURL, err)
	}
}

// TestTLSListener: with a certificate and key the server speaks TLS, and its
// cookies are Secure.
func TestTLSListener(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	a := newTestApp(t, func(c *config.Config) { c.TLSCert, c.TLSKey = certFile, keyFile })
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, func(addr string) { addrc <- addr }) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-done:
		t.Fatal(err)
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := hc.Get("https://" + addr + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil {
		t.Fatalf("status %d, TLS %v", resp.StatusCode, resp.TLS != nil)
	}
	if len(resp.Cookies()) == 0 {
		t.Fatal("no cookie set")
	}
	for _, c := range resp.Cookies() {
		if !c.Secure {
			t.Errorf("cookie %s is not Secure", c.Name)
		}
	}
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS over TLS")
	}
	// A whole form over TLS: the CSRF cookie goes and comes back.
	jar, _ := cookiejar.New(nil)
	hc.Jar = jar
	resp, err = hc.Get("https://" + addr + "/staff/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatal("no CSRF field on the login page")
	}
	resp, err = hc.PostForm("https://"+addr+"/staff/login", url.Values{"csrf": {string(m[1])}, "username": {"admin"}, "password": {"lantern-river-42"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/staff" {
		t.Errorf("staff login over TLS: %d at %s", resp.StatusCode, resp.Request.URL.Path)
	}
	// Plain HTTP on the TLS port is refused.
	if resp, err := http.Get("http://" + addr + "/login"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Error("plain HTTP served on the TLS listener")
		}
	}
	// A key that does not fit stops the start.
	_, otherKey, _ := selfSigned(t, t.TempDir())
	bad := newTestApp(t, func(c *config.Config) { c.TLSCert, c.TLSKey = certFile, otherKey })
	if err := bad.Serve(context.Background(), func(string) { t.Error("announced a server whose key does not fit") }); err == nil {
		t.Error("a key that does not fit the certificate was accepted")
	}
	if _, err := config.Parse([]string{"--tls-cert", certFile}, func(string) string { return "" }, io.Discard); err == nil {
		t.Error("a certificate without a key was accepted")
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns a
// pool that trusts it.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "gongzhi test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// A request that writes waits for the database at most four times its
// timeout; reads (exports stream for long), imports and training keep the
// caller's context, and without a timeout nothing is bounded.
func TestDBDeadline(t *testing.T) {
	var left time.Duration
	var bounded bool
	h := dbDeadline(2*time.Second, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var dl time.Time
		dl, bounded = r.Context().Deadline()
		left = time.Until(dl)
	}))
	for _, c := range []struct {
		method, path string
		want         bool
	}{
		{"POST", "/api/v1/tickets", true},
		{"POST", "/staff/tickets/20261203000001/act", true},
		{"GET", "/api/v1/tickets", false},
		{"POST", "/staff/import", false},
		{"POST", "/api/v1/insight/train", false},
	} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(c.method, c.path, nil))
		if bounded != c.want || bounded && (left <= 7*time.Second || left > 8*time.Second) {
			t.Errorf("%s %s: bounded %v (%s left), want %v", c.method, c.path, bounded, left, c.want)
		}
	}
	h = dbDeadline(0, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, bounded = r.Context().Deadline() }))
	if h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/api/v1/tickets", nil)); bounded {
		t.Error("no timeout: a request was bounded")
	}
}

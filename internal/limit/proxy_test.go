package limit

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestTrustProxies: forwarding headers are believed only from a listed
// proxy, and then the client is the right-most address that is not itself a
// listed proxy; a client cannot choose her own address by sending them.
func TestTrustProxies(t *testing.T) {
	nets, err := ParseNets("10.0.0.0/8, 192.0.2.7, fd00::/8")
	if err != nil {
		t.Fatal(err)
	}
	var got string
	h := TrustProxies(nets, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = ClientIP(r) }))
	tests := []struct {
		name, peer, xff, realIP, want string
	}{
		{"no proxy", "203.0.113.5:4000", "", "", "203.0.113.5"},
		{"spoofed from an untrusted peer", "203.0.113.5:4000", "198.51.100.1", "", "203.0.113.5"},
		{"spoofed X-Real-IP from an untrusted peer", "203.0.113.5:4000", "", "198.51.100.1", "203.0.113.5"},
		{"from a trusted proxy", "10.1.2.3:4000", "198.51.100.1", "", "198.51.100.1"},
		{"a listed single address", "192.0.2.7:4000", "198.51.100.1", "", "198.51.100.1"},
		{"client's own header left of the real one", "10.1.2.3:4000", "1.1.1.1, 198.51.100.1", "", "198.51.100.1"},
		{"two proxies", "10.1.2.3:4000", "198.51.100.1, 10.9.9.9", "", "198.51.100.1"},
		{"junk left of the proxies", "10.1.2.3:4000", "not-an-ip, 10.9.9.9", "", "10.9.9.9"},
		{"X-Real-IP from a trusted proxy", "10.1.2.3:4000", "", "198.51.100.1", "198.51.100.1"},
		{"junk X-Real-IP", "10.1.2.3:4000", "", "nonsense", "10.1.2.3"},
		{"IPv6", "[fd00::1]:4000", "2001:db8::5", "", "2001:db8::5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.peer
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			if tt.realIP != "" {
				r.Header.Set("X-Real-IP", tt.realIP)
			}
			h.ServeHTTP(httptest.NewRecorder(), r)
			if got != tt.want {
				t.Errorf("client %q, want %q", got, tt.want)
			}
		})
	}
	if _, err := ParseNets("10.0.0.0/33"); err == nil {
		t.Error("a bad network was accepted")
	}
	// With no list, nothing is believed.
	h = TrustProxies(nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = ClientIP(r) }))
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "127.0.0.1:1"
	r.Header.Set("X-Forwarded-For", "198.51.100.1")
	h.ServeHTTP(httptest.NewRecorder(), r)
	if got != "127.0.0.1" {
		t.Errorf("no trusted proxies: client %q", got)
	}
}

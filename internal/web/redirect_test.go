package web

import (
	"net/url"
	"strings"
	"testing"
)

// TestLocalTarget: only a path that stays on this site once a browser has
// stripped TAB, CR and LF from it, and that no browser or proxy reads as
// another host, is a redirect target.
func TestLocalTarget(t *testing.T) {
	tests := []struct {
		target string
		ok     bool
	}{
		{"/", true},
		{"/my", true},
		{"/track?number=20260101000001", true},
		{"/staff/tickets/20260101000001?done=accept", true},
		{"/staff/rectifications?cursor=abc%3D&filter=open", true},
		{"/submit?q=%E6%B8%85%E6%B4%81", true},
		{"/staff?q=a%20b", true},
		{"/x y", false},
		{"/x\u3000", false},

		{"", false},
		{"my", false},
		{"//evil.example/x", false},
		{"/\t/evil.example/x", false},
		{"/\n/evil.example/x", false},
		{"/\r/evil.example/x", false},
		{"\t//evil.example", false},
		{" /x", false},
		{"/x\x00", false},
		{"/x\x7f", false},
		{"/x\u0085", false},
		{"/\\evil.example", false},
		{"\\\\evil.example", false},
		{"/x\\y", false},
		{"http://evil.example/", false},
		{"https:evil.example", false},
		{"javascript:alert(1)", false},
		{"/%09/evil.example", false},
		{"/%2F/evil.example", false},
		{"/%2f%2fevil.example", false},
		{"/%5Cevil.example", false},
		{"/%0d%0aSet-Cookie:x=1", false},
		{"/%zz", false},
		{"/x\xff", false},
	}
	for _, tt := range tests {
		if got := localTarget(tt.target); got != tt.ok {
			t.Errorf("localTarget(%q) = %v, want %v", tt.target, got, tt.ok)
		}
	}
}

// FuzzLocalTarget: whatever localTarget accepts stays on this site when a
// browser reads it: TAB, CR and LF dropped, backslashes as slashes, resolved
// against the page, once as sent and once percent-decoded.
func FuzzLocalTarget(f *testing.F) {
	for _, s := range []string{"/", "/my?x=1", "/\t/evil.example", "//evil", "/%2F/evil", "/\\evil", "/a/../..//evil", "/%5c%5cevil"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://gz.example/staff/x")
	browser := strings.NewReplacer("\t", "", "\r", "", "\n", "", "\\", "/")
	f.Fuzz(func(t *testing.T, p string) {
		if !localTarget(p) {
			return
		}
		dec, _ := url.PathUnescape(p)
		for _, v := range []string{p, dec} {
			u, err := base.Parse(browser.Replace(v))
			if err != nil {
				continue
			}
			if u.Host != "gz.example" || u.Scheme != "https" {
				t.Fatalf("localTarget(%q) leads to %s", p, u)
			}
		}
	})
}

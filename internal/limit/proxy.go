package limit

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ParseNets reads a comma-separated list of networks ("10.0.0.0/8,::1/128");
// a bare address stands for itself. An empty list is no network.
func ParseNets(s string) ([]netip.Prefix, error) {
	var nets []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			nets = append(nets, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is neither a network (10.0.0.0/8) nor an address", f)
		}
		nets = append(nets, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return nets, nil
}

// InNets reports whether the address ip (as ClientIP gives it) lies in one
// of nets.
func InNets(nets []netip.Prefix, ip string) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, n := range nets {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

// TrustProxies makes ClientIP see through the listed reverse proxies: when
// the peer of a request is one of them, the client is the right-most
// address of X-Forwarded-For that is not itself a listed proxy (each proxy
// appends the peer it saw; whatever lies to the left came from the client
// and may be made up), or else X-Real-IP; r.RemoteAddr is rewritten to it.
// From any other peer the headers are ignored, so a client cannot choose
// her own address. It goes first in the chain, before anything reads the
// address.
func TrustProxies(nets []netip.Prefix, next http.Handler) http.Handler {
	if len(nets) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if InNets(nets, ClientIP(r)) {
			if ip := forwardedClient(nets, r.Header); ip != "" {
				r2 := *r
				r2.RemoteAddr = net.JoinHostPort(ip, "0")
				r = &r2
			}
		}
		next.ServeHTTP(w, r)
	})
}

func forwardedClient(nets []netip.Prefix, h http.Header) string {
	var hops []string
	for _, v := range h.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	last := "" // the left-most listed proxy seen, when every hop is one
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return last
		}
		ip := a.Unmap().String()
		if !InNets(nets, ip) {
			return ip
		}
		last = ip
	}
	if last != "" {
		return last
	}
	if a, err := netip.ParseAddr(strings.TrimSpace(h.Get("X-Real-IP"))); err == nil {
		return a.Unmap().String()
	}
	return ""
}

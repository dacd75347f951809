package webhook

import (
	"net/http"
	"time"
)

// NewClient returns the HTTP client deliveries use (see newClient), for
// other senders of the same kind (citylink): a timeout on each attempt, no
// redirects, no proxy, and unless allowPrivate no connection to a
// non-public address.
func NewClient(allowPrivate bool, timeout time.Duration) *http.Client {
	o := Options{AllowPrivate: allowPrivate, Timeout: timeout}
	o.defaults()
	return newClient(o)
}

// CheckURL validates an address to send to as a subscription's is checked,
// and returns it as stored.
func CheckURL(raw string, allowPrivate bool) (string, error) {
	s := &Service{opts: Options{AllowPrivate: allowPrivate}}
	return s.checkURL(raw)
}

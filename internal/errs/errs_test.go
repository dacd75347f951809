package errs

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"syscall"
	"testing"
)

// pgError has the method of pgconn.PgError that the classification reads.
type pgError struct{ state string }

func (e pgError) Error() string    { return "FATAL: (SQLSTATE " + e.state + ")" }
func (e pgError) SQLState() string { return e.state }

// TestUnavailable: what the database's faults look like becomes unavailable
// (503); a wrong password or a bad statement does not, and a server that
// refuses our credentials is not waited for.
func TestUnavailable(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	for _, c := range []struct {
		err  error
		want Code
	}{
		{fmt.Errorf("failed to connect to `user=x`: %w", refused), Unavailable},
		{fmt.Errorf("read: %w", syscall.ECONNRESET), Unavailable},
		{context.DeadlineExceeded, Unavailable},
		{pgError{"57P03"}, Unavailable},                                               // the database system is starting up
		{pgError{"57014"}, Unavailable},                                               // statement timeout
		{pgError{"53100"}, Unavailable},                                               // disk full
		{pgError{"08006"}, Unavailable},                                               // connection failure
		{fmt.Errorf("failed to connect to `user=x`: %w", pgError{"28P01"}), Internal}, // wrong password
		{pgError{"42P01"}, Internal},                                                  // no such table: a bug
		{errors.New("boom"), Internal},
		{context.Canceled, Internal},
	} {
		e := Wrap(c.err, "test").(*Error)
		if e.Code != c.want {
			t.Errorf("%v: %s, want %s", c.err, e.Code, c.want)
		}
		if c.want == Unavailable && (HTTPStatus(e.Code) != 503 || e.RetryAfter != UnavailableRetry) {
			t.Errorf("%v: status %d, Retry-After %d", c.err, HTTPStatus(e.Code), e.RetryAfter)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		err    *Error
		status int
		header string
	}{
		{&Error{Code: TooMany, RetryAfter: 30}, 429, "30"},
		{&Error{Code: Unavailable, RetryAfter: 5}, 503, "5"},
		{&Error{Code: Unavailable}, 503, ""},
		{&Error{Code: Invalid, RetryAfter: 5}, 400, ""},
	} {
		h := http.Header{}
		SetRetryAfter(h, tc.err)
		if got := HTTPStatus(tc.err.Code); got != tc.status || h.Get("Retry-After") != tc.header {
			t.Errorf("%s: status %d, Retry-After %q; want %d, %q", tc.err.Code, got, h.Get("Retry-After"), tc.status, tc.header)
		}
	}
}

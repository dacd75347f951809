package errs

import (
	"net/http"
	"testing"
)

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

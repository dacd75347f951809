package web

import (
	"net/http"

	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// plainInput refuses a request whose path, query or form holds a control
// character other than TAB, LF and CR (plaintext.Check), before any page
// reads it: PostgreSQL cannot store NUL, and no field of a form needs one.
func plainInput(r *http.Request) error {
	if err := plaintext.Check(r.URL.Path); err != nil {
		return err
	}
	values := r.Form
	if values == nil {
		values = r.URL.Query()
	}
	for _, vs := range values {
		for _, v := range vs {
			if err := plaintext.Check(v); err != nil {
				return err
			}
		}
	}
	return nil
}

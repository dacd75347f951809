// Package errs defines the domain errors of gongzhi: a code that decides the
// HTTP status, and a message for people in Chinese and in English.
package errs

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// Code is the kind of a domain error.
type Code string

const (
	Invalid      Code = "invalid"
	Unauthorized Code = "unauthorized"
	Forbidden    Code = "forbidden"
	NotFound     Code = "not_found"
	Conflict     Code = "conflict"
	TooLarge     Code = "too_large"
	TooMany      Code = "too_many_requests"
	Unavailable  Code = "unavailable" // busy or down for a while: try again later
	Internal     Code = "internal"
)

// Error is a domain error. Msg is Chinese, MsgEn English; both are shown to users.
type Error struct {
	Code  Code
	Msg   string
	MsgEn string
	Err   error // cause, logged only for internal errors
	// RetryAfter is how many seconds a too-many-requests or unavailable
	// error asks the caller to wait; 0 when it is not known.
	RetryAfter int
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.MsgEn, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.MsgEn)
}

func (e *Error) Unwrap() error { return e.Err }

// New makes a domain error with messages in both languages.
func New(code Code, zh, en string) *Error { return &Error{Code: code, Msg: zh, MsgEn: en} }

// Wrap makes an internal error around a cause; users see a plain message.
func Wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	var de *Error
	if errors.As(err, &de) {
		return err
	}
	return &Error{Code: Internal, Msg: "系统内部错误，请稍后再试", MsgEn: "internal error, please try again later", Err: fmt.Errorf("%s: %w", what, err)}
}

// CodeOf returns the domain code of err, Internal for errors that are not domain errors.
func CodeOf(err error) Code {
	var de *Error
	if errors.As(err, &de) {
		return de.Code
	}
	return Internal
}

// As returns err as a domain error, wrapping foreign errors as internal ones.
func As(err error) *Error {
	var de *Error
	if errors.As(err, &de) {
		return de
	}
	return Wrap(err, "unexpected").(*Error)
}

// Is reports whether err is a domain error with the given code.
func Is(err error, code Code) bool { return err != nil && CodeOf(err) == code }

// Invalidf and friends are short forms for the common codes.
func Invalidf(zh, en string, args ...any) *Error {
	return New(Invalid, fmt.Sprintf(zh, args...), fmt.Sprintf(en, args...))
}

func NotFoundf(zh, en string, args ...any) *Error {
	return New(NotFound, fmt.Sprintf(zh, args...), fmt.Sprintf(en, args...))
}

func Conflictf(zh, en string, args ...any) *Error {
	return New(Conflict, fmt.Sprintf(zh, args...), fmt.Sprintf(en, args...))
}

var (
	ErrUnauthorized = New(Unauthorized, "请先登录", "please log in")
	ErrForbidden    = New(Forbidden, "没有权限执行此操作", "you are not allowed to do this")
)

// SetRetryAfter sets the Retry-After header for a too-many-requests or
// unavailable error that knows how long to wait.
func SetRetryAfter(h http.Header, err error) {
	var de *Error
	if errors.As(err, &de) && (de.Code == TooMany || de.Code == Unavailable) && de.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(de.RetryAfter))
	}
}

// HTTPStatus maps a domain code to its HTTP status: the one place this is
// decided, for the API, the web pages and Open311 alike.
func HTTPStatus(code Code) int {
	switch code {
	case Invalid:
		return 400
	case Unauthorized:
		return 401
	case Forbidden:
		return 403
	case NotFound:
		return 404
	case Conflict:
		return 409
	case TooLarge:
		return 413
	case TooMany:
		return 429
	case Unavailable:
		return 503
	}
	return 500
}

// Package errs defines the domain errors of gongzhi: a code that decides the
// HTTP status, and a message for people in Chinese and in English.
package errs

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
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
	// Unavailable is busy or down for a while (the database down, frozen
	// or out of disk; no turn to decode an image): nothing is wrong with
	// the request, and the same request may succeed a little later.
	Unavailable Code = "unavailable"
	Internal    Code = "internal"
)

// UnavailableRetry is the Retry-After, in seconds, of an unavailable error.
const UnavailableRetry = 5

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
// A cause that says the database cannot be reached or cannot write makes an
// unavailable error instead.
func Wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	var de *Error
	if errors.As(err, &de) {
		return err
	}
	if unavailable(err) {
		return &Error{Code: Unavailable, Msg: "服务暂时不可用，请稍后再试", MsgEn: "service temporarily unavailable, please try again shortly",
			Err: fmt.Errorf("%s: %w", what, err), RetryAfter: UnavailableRetry}
	}
	return &Error{Code: Internal, Msg: "系统内部错误，请稍后再试", MsgEn: "internal error, please try again later", Err: fmt.Errorf("%s: %w", what, err)}
}

// unavailable reports whether err comes from a database that is down,
// unreachable, too slow or out of disk, rather than from a bug. It looks at
// the standard library's errors and at the methods the drivers' errors have
// (pgconn's SQLState, modernc sqlite's Code), so that this package needs
// neither driver.
func unavailable(err error) bool {
	var pg interface{ SQLState() string }
	if errors.As(err, &pg) {
		// Classes 08 (connection exception), 53 (insufficient resources:
		// disk full, out of memory, too many connections), 57 (operator
		// intervention: shutdown, statement timeout, cannot connect now)
		// and 58 (system error: I/O).
		// Any other state is the server's answer about the request, or
		// about our credentials, which waiting will not change.
		st := pg.SQLState()
		return len(st) == 5 && (st[:2] == "08" || st[:2] == "53" || st[:2] == "57" || st[:2] == "58")
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	for _, e := range []syscall.Errno{syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.ECONNABORTED, syscall.EPIPE,
		syscall.ETIMEDOUT, syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.ENOSPC, syscall.EIO} {
		if errors.Is(err, e) {
			return true
		}
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var lite interface{ Code() int }
	if errors.As(err, &lite) {
		// SQLite's primary result codes: BUSY (still locked after the busy
		// timeout), NOMEM, IOERR, FULL, CANTOPEN.
		switch lite.Code() & 0xff {
		case 5, 7, 10, 13, 14:
			return true
		}
	}
	// pgx reports a failed connection attempt, and a connection that broke
	// while in use, in words.
	msg := err.Error()
	return strings.Contains(msg, "failed to connect to") || strings.Contains(msg, "conn closed") ||
		strings.Contains(msg, "timeout: context already done")
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

// Logged reports whether errors of the code are the server's to look into,
// and so are logged with their cause.
func Logged(code Code) bool { return code == Internal || code == Unavailable }

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

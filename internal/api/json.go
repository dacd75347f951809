package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// MaxBody is the largest request body the API reads.
const MaxBody = 1 << 20

type errorBody struct {
	Error struct {
		Code      errs.Code `json:"code"`
		Message   string    `json:"message"`
		MessageEn string    `json:"message_en"`
	} `json:"error"`
}

func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	de := errs.As(err)
	if errs.Logged(de.Code) {
		a.Log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	var body errorBody
	body.Error.Code, body.Error.Message, body.Error.MessageEn = de.Code, de.Msg, de.MsgEn
	if de.Code == errs.Unauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="gongzhi"`)
	}
	errs.SetRetryAfter(w.Header(), de)
	writeJSON(w, errs.HTTPStatus(de.Code), body)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"error":{"code":"internal","message":"系统内部错误","message_en":"internal error"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

var errTooLarge = errs.New(errs.TooLarge, "请求内容过大（上限1MB）", "request body too large (limit 1 MB)")

// decode reads a JSON body into v. An empty body leaves v as it is, for
// actions that take no fields.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if r.ContentLength > MaxBody {
		return errTooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errTooLarge
	}
	if err != nil {
		return errs.Invalidf("无法读取请求内容", "could not read the request body")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return errs.Invalidf("字段 %s 的类型不正确", "field %s has the wrong type", te.Field)
		}
		return errs.Invalidf("请求内容不是有效的JSON：%s", "malformed JSON: %s", err.Error())
	}
	if dec.More() {
		return errs.Invalidf("请求内容不是有效的JSON", "malformed JSON: trailing data")
	}
	return plainStrings(reflect.ValueOf(v))
}

// plainStrings refuses every text of a decoded body that holds a control
// character (plaintext.Check): JSON may carry one as \u0000, and
// PostgreSQL cannot store NUL.
func plainStrings(v reflect.Value) error {
	switch v.Kind() {
	case reflect.String:
		return plaintext.Check(v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return plainStrings(v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				if err := plainStrings(v.Field(i)); err != nil {
					return err
				}
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if err := plainStrings(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if err := plainStrings(it.Key()); err != nil {
				return err
			}
			if err := plainStrings(it.Value()); err != nil {
				return err
			}
		}
	}
	return nil
}

// plainInput refuses a request whose path or query holds a control
// character, before any handler reads them; bodies are checked as they are
// decoded.
func (a *API) plainInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := plaintext.Check(r.URL.Path)
		for _, vs := range r.URL.Query() {
			for _, v := range vs {
				if err == nil {
					err = plaintext.Check(v)
				}
			}
		}
		if err != nil {
			a.fail(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// caller returns the user of the bearer token; ok is false when there is none.
// A token that is present but not valid is an error, not an anonymous call.
func (a *API) caller(r *http.Request) (u auth.User, ok bool, err error) {
	if c, found := r.Context().Value(callerKey{}).(knownCaller); found {
		return c.u, c.ok, nil
	}
	h := r.Header.Get("Authorization")
	if h == "" {
		return auth.User{}, false, nil
	}
	token, found := strings.CutPrefix(h, "Bearer ")
	if !found {
		return auth.User{}, false, errs.New(errs.Unauthorized, "认证头格式应为 Bearer 令牌", "the Authorization header must be Bearer TOKEN")
	}
	s, err := a.Auth.Authenticate(r.Context(), strings.TrimSpace(token), auth.KindAPI)
	if err != nil {
		return auth.User{}, false, err
	}
	if err := a.Auth.PendingError(s.User); err != nil && !pendingAllowed(r) {
		return auth.User{}, false, err
	}
	return s.User, true, nil
}

// callerKey marks a request context with its caller once known, so that a
// wrapper and the handler authenticate the request once.
type callerKey struct{}

type knownCaller struct {
	u  auth.User
	ok bool
}

// withCaller returns r with its caller remembered.
func withCaller(r *http.Request, u auth.User, ok bool) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), callerKey{}, knownCaller{u, ok}))
}

// user wraps a handler that needs a logged-in caller.
func (a *API) user(h func(w http.ResponseWriter, r *http.Request, u auth.User)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, ok, err := a.caller(r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if !ok {
			a.fail(w, r, errs.ErrUnauthorized)
			return
		}
		h(w, r, u)
	}
}

// admin wraps a handler for the administrator.
func (a *API) admin(h func(w http.ResponseWriter, r *http.Request, u auth.User)) http.HandlerFunc {
	return a.user(func(w http.ResponseWriter, r *http.Request, u auth.User) {
		if !u.IsAdmin() {
			a.fail(w, r, errs.ErrForbidden)
			return
		}
		h(w, r, u)
	})
}

func (a *API) notFound(w http.ResponseWriter, r *http.Request) {
	a.fail(w, r, errs.NotFoundf("接口不存在：%s %s", "no such endpoint: %s %s", r.Method, r.URL.Path))
}

type list[T any] struct {
	Items []T `json:"items"`
}

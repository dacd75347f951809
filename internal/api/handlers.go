package api

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/limit"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

type tokenRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Phone    string `json:"phone"`
	Code     string `json:"code"`
	TOTP     string `json:"totp"`
}

type tokenUser struct {
	Username string    `json:"username"`
	Phone    string    `json:"phone,omitempty"`
	Name     string    `json:"name"`
	Role     auth.Role `json:"role"`
	OrgCode  string    `json:"org_code"`
	AreaCode string    `json:"area_code"`
}

type tokenResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      tokenUser `json:"user"`
}

func (a *API) token(w http.ResponseWriter, r *http.Request) {
	var req tokenRequest
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	var s auth.Session
	var err error
	switch {
	case req.Username != "" || req.Password != "":
		s, err = a.Auth.LoginWith(r.Context(), auth.Credentials{Username: req.Username, Password: req.Password, TOTP: req.TOTP,
			Addr: limit.ClientIP(r)}, auth.KindAPI)
	case req.Phone != "":
		s, err = a.Auth.LoginWithCode(r.Context(), req.Phone, req.Code, auth.KindAPI)
	default:
		err = errs.Invalidf("请提供用户名和密码，或手机号和验证码", "give username and password, or phone and code")
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	u := s.User
	writeJSON(w, http.StatusOK, tokenResponse{Token: s.Token, ExpiresAt: s.ExpiresAt.In(a.Tickets.Location()),
		User: tokenUser{Username: u.Username, Phone: u.Phone, Name: u.Name, Role: u.Role, OrgCode: u.OrgCode, AreaCode: u.AreaCode}})
}

func (a *API) code(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Phone string `json:"phone"`
	}
	if err := decode(w, r, &req); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := limit.Check(a.Limits.CodeIP, limit.ClientIP(r)); err != nil {
		a.fail(w, r, err)
		return
	}
	dev, err := a.Auth.RequestCode(r.Context(), req.Phone)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	body := map[string]any{"sent": true, "expires_in": int(auth.CodeTTL.Seconds())}
	if a.Demo && dev != "" {
		body["dev_code"] = dev
	}
	writeJSON(w, http.StatusAccepted, body)
}

func (a *API) createUser(w http.ResponseWriter, r *http.Request, admin auth.User) {
	var nu auth.NewUser
	if err := decode(w, r, &nu); err != nil {
		a.fail(w, r, err)
		return
	}
	u, err := a.Auth.CreateUser(r.Context(), admin, nu)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, u)
}

func (a *API) listUsers(w http.ResponseWriter, r *http.Request, _ auth.User) {
	users, err := a.Auth.Users(r.Context(), false)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[auth.User]{Items: users})
}

func (a *API) areas(w http.ResponseWriter, r *http.Request) {
	parent := r.URL.Query().Get("parent")
	if parent != "" && !gov.ValidCode(parent) {
		a.fail(w, r, errs.Invalidf("区划代码格式不正确：%q", "malformed area code: %q", parent))
		return
	}
	items, err := a.Gov.Areas(r.Context(), parent)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[gov.Area]{Items: items})
}

func (a *API) orgs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := gov.OrgFilter{AreaCode: q.Get("area_code"), Kind: gov.OrgKind(q.Get("kind"))}
	if f.AreaCode != "" && !gov.ValidCode(f.AreaCode) {
		a.fail(w, r, errs.Invalidf("区划代码格式不正确：%q", "malformed area code: %q", f.AreaCode))
		return
	}
	items, err := a.Gov.Orgs(r.Context(), f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[gov.Org]{Items: items})
}

func (a *API) categories(w http.ResponseWriter, r *http.Request) {
	items, err := a.Tickets.Categories(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[ticket.Category]{Items: items})
}

func (a *API) createTicket(w http.ResponseWriter, r *http.Request) {
	u, ok, err := a.caller(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var in ticket.NewTicket
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	var actor *auth.User
	if ok {
		actor = &u
	}
	if err := a.Limits.CheckSubmit(r, actor); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.Tickets.CheckNew(r.Context(), actor, in); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.Limits.CheckSubmitter(actor, in.ReporterPhone); err != nil {
		a.fail(w, r, err)
		return
	}
	t, err := a.Tickets.Create(r.Context(), actor, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/tickets/"+t.Number)
	writeJSON(w, http.StatusCreated, t)
}

// attachmentRef is how a ticket lists its photos.
type attachmentRef struct {
	ID       string `json:"id"`
	URL      string `json:"url"`
	ThumbURL string `json:"thumb_url"`
	Kind     string `json:"kind"` // report, before, after, reply
}

// ticketWithAttachments is the ticket as GET /api/v1/tickets/{number} answers it.
type ticketWithAttachments struct {
	ticket.Ticket
	Attachments []attachmentRef `json:"attachments"`
}

func (a *API) getTicket(w http.ResponseWriter, r *http.Request, u auth.User) {
	t, err := a.Tickets.Get(r.Context(), u, r.PathValue("number"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := ticketWithAttachments{Ticket: t, Attachments: []attachmentRef{}}
	if a.Attachments != nil {
		list, err := a.Attachments.List(r.Context(), u, t.Number)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		for _, at := range list {
			url := "/api/v1/tickets/" + t.Number + "/attachments/" + at.ID
			out.Attachments = append(out.Attachments, attachmentRef{ID: at.ID, URL: url, ThumbURL: url + "?thumb=1", Kind: at.Purpose})
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// listFilter reads the filters of the ticket list and of its export.
func listFilter(q url.Values) (ticket.Filter, error) {
	f := ticket.Filter{Status: ticket.Status(q.Get("status")), OrgCode: q.Get("org_code"), AreaCode: q.Get("area_code"),
		Light: ticket.Light(q.Get("light")), Part: q.Get("part"), RequesterKind: ticket.RequesterKind(q.Get("requester_kind"))}
	switch q.Get("overdue") {
	case "", "false", "0":
	case "true", "1":
		f.Overdue = true
	default:
		return f, errs.Invalidf("overdue 须为 true 或 false", "overdue must be true or false")
	}
	return f, nil
}

func (a *API) listTickets(w http.ResponseWriter, r *http.Request, u auth.User) {
	q := r.URL.Query()
	f, err := listFilter(q)
	if err == nil {
		err = a.searchFilter(&f, q)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f.Cursor = q.Get("cursor")
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > ticket.MaxLimit {
			a.fail(w, r, errs.Invalidf("每页条数须在1到%d之间", "limit must be between 1 and %d", ticket.MaxLimit))
			return
		}
		f.Limit = n
	}
	page, err := a.Tickets.List(r.Context(), u, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

func (a *API) ticketEvents(w http.ResponseWriter, r *http.Request, u auth.User) {
	events, err := a.Tickets.Events(r.Context(), u, r.PathValue("number"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list[ticket.Event]{Items: events})
}

func (a *API) act(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in ticket.ActionInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	t, err := a.Tickets.Act(r.Context(), u, r.PathValue("number"), r.PathValue("action"), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

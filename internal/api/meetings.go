package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/meeting"
)

// The consultation meetings (议事会): who may do what is the meeting
// capability's; these handlers only decode and encode.

var errNoMeetings = errs.New(errs.Unavailable, "议事会服务未启用", "meetings are not available")

// POST /api/v1/meetings {"area_code","title","agenda","place","starts_at","quorum","level"}
func (a *API) createMeeting(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in meeting.New
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.meetingDone(w, r, http.StatusCreated, func(ctx context.Context) (meeting.Meeting, error) { return a.Meetings.Create(ctx, u, in) })
}

// PUT /api/v1/meetings/{id} {"title","agenda","place","starts_at","quorum",
// "level"}: a meeting in draft changed by those who run it.
func (a *API) editMeeting(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in meeting.New
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.meetingDone(w, r, http.StatusOK, func(ctx context.Context) (meeting.Meeting, error) {
		return a.Meetings.Edit(ctx, u, r.PathValue("id"), in)
	})
}

// GET /api/v1/meetings?area_code=&status=&cursor=&limit=
func (a *API) listMeetings(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Meetings == nil {
		a.fail(w, r, errNoMeetings)
		return
	}
	q := r.URL.Query()
	f := meeting.Filter{AreaCode: q.Get("area_code"), Status: meeting.Status(q.Get("status")), Cursor: q.Get("cursor")}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > meeting.MaxList {
			a.fail(w, r, errs.Invalidf("limit 须为1到%d", "limit must be 1 to %d", meeting.MaxList))
			return
		}
		f.Limit = n
	}
	page, err := a.Meetings.List(r.Context(), u, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

// GET /api/v1/meetings/{id}
func (a *API) getMeeting(w http.ResponseWriter, r *http.Request, u auth.User) {
	a.meetingDone(w, r, http.StatusOK, func(ctx context.Context) (meeting.Meeting, error) { return a.Meetings.Get(ctx, u, r.PathValue("id")) })
}

// GET /api/v1/meetings/{id}/events
func (a *API) meetingEvents(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Meetings == nil {
		a.fail(w, r, errNoMeetings)
		return
	}
	evs, err := a.Meetings.Events(r.Context(), u, r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": evs})
}

// POST /api/v1/meetings/{id}/representatives {"representatives":[{"name","kind","org_name","phone"}]}
func (a *API) addRepresentatives(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Representatives []meeting.NewRepresentative `json:"representatives"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.meetingDone(w, r, http.StatusOK, func(ctx context.Context) (meeting.Meeting, error) {
		return a.Meetings.AddRepresentatives(ctx, u, r.PathValue("id"), in.Representatives)
	})
}

// DELETE /api/v1/meetings/{id}/representatives/{rep}
func (a *API) removeRepresentative(w http.ResponseWriter, r *http.Request, u auth.User) {
	a.meetingDone(w, r, http.StatusOK, func(ctx context.Context) (meeting.Meeting, error) {
		return a.Meetings.RemoveRepresentative(ctx, u, r.PathValue("id"), r.PathValue("rep"))
	})
}

// meetingStep serves the steps that take no fields: notice, open, close,
// publish.
func meetingStep(step func(*meeting.Service, context.Context, auth.User, string) (meeting.Meeting, error)) func(*API, http.ResponseWriter, *http.Request, auth.User) {
	return func(a *API, w http.ResponseWriter, r *http.Request, u auth.User) {
		var in struct{}
		if err := decode(w, r, &in); err != nil {
			a.fail(w, r, err)
			return
		}
		a.meetingDone(w, r, http.StatusOK, func(ctx context.Context) (meeting.Meeting, error) { return step(a.Meetings, ctx, u, r.PathValue("id")) })
	}
}

// POST /api/v1/meetings/{id}/signin {"representative_id"}
func (a *API) meetingSignIn(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		RepresentativeID string `json:"representative_id"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.meetingDone(w, r, http.StatusOK, func(ctx context.Context) (meeting.Meeting, error) {
		return a.Meetings.SignIn(ctx, u, r.PathValue("id"), in.RepresentativeID)
	})
}

// POST /api/v1/meetings/{id}/minutes {"text"}
func (a *API) meetingMinutes(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Text string `json:"text"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.meetingDone(w, r, http.StatusOK, func(ctx context.Context) (meeting.Meeting, error) {
		return a.Meetings.SetMinutes(ctx, u, r.PathValue("id"), in.Text)
	})
}

// POST /api/v1/meetings/{id}/resolutions {"text","method","for","against","abstain","ballots"}
func (a *API) meetingResolve(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in meeting.ResolutionInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.meetingDone(w, r, http.StatusCreated, func(ctx context.Context) (meeting.Meeting, error) {
		return a.Meetings.Resolve(ctx, u, r.PathValue("id"), in)
	})
}

// POST /api/v1/meetings/{id}/tasks {"resolution","text","owner_org_code"|"owner_representative_id","days"}
func (a *API) meetingTask(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in meeting.NewTask
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.taskDone(w, r, http.StatusCreated, func(ctx context.Context) (meeting.Task, error) {
		return a.Meetings.AddTask(ctx, u, r.PathValue("id"), in)
	})
}

// GET /api/v1/meeting-tasks?org_code=&limit=: an organisation's open tasks
// (the caller's own unless named), the earliest due first.
func (a *API) openMeetingTasks(w http.ResponseWriter, r *http.Request, u auth.User) {
	if a.Meetings == nil {
		a.fail(w, r, errNoMeetings)
		return
	}
	q := r.URL.Query()
	org := q.Get("org_code")
	if org == "" {
		org = u.OrgCode
	}
	limit := meeting.MaxList
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > meeting.MaxList {
			a.fail(w, r, errs.Invalidf("limit 须为1到%d", "limit must be 1 to %d", meeting.MaxList))
			return
		}
		limit = n
	}
	items, err := a.Meetings.OpenTasksOf(r.Context(), u, org, limit)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// POST /api/v1/meeting-tasks/{id}/done {"note"}
func (a *API) finishMeetingTask(w http.ResponseWriter, r *http.Request, u auth.User) {
	var in struct {
		Note string `json:"note"`
	}
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	a.taskDone(w, r, http.StatusOK, func(ctx context.Context) (meeting.Task, error) {
		return a.Meetings.FinishTask(ctx, u, r.PathValue("id"), in.Note)
	})
}

func (a *API) meetingDone(w http.ResponseWriter, r *http.Request, status int, fn func(context.Context) (meeting.Meeting, error)) {
	if a.Meetings == nil {
		a.fail(w, r, errNoMeetings)
		return
	}
	m, err := fn(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, status, m)
}

func (a *API) taskDone(w http.ResponseWriter, r *http.Request, status int, fn func(context.Context) (meeting.Task, error)) {
	if a.Meetings == nil {
		a.fail(w, r, errNoMeetings)
		return
	}
	t, err := fn(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, status, t)
}

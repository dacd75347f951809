package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/meeting"
)

// The staff's meeting pages: the list of the meetings of their area with
// the form that convenes one, and one meeting's page, whose forms follow
// it from its roster to its published resolution and tasks.

// StaffMeetingsData is the staff's list.
type StaffMeetingsData struct {
	Items    []meeting.Meeting
	NextURL  string
	Create   bool // the form to convene one
	AreaCode string
	Levels   []disclosure.Level
	Default  disclosure.Level
}

// StaffMeetingData is one meeting's page for the staff.
type StaffMeetingData struct {
	M       meeting.Meeting
	Kinds   []string
	Levels  []disclosure.Level
	Present []meeting.Member     // members signed in, for the ballots
	Passed  []meeting.Resolution // resolutions that take tasks
	Tasks   []StaffTaskRow
	Events  []StaffEventLine
	// Edit is the draft as its edit form shows it: the agenda one item a
	// line, the time as the form's field takes it.
	Edit struct{ Agenda, StartsAt string }
}

// StaffTaskRow is a task with whether the reader may finish it.
type StaffTaskRow struct {
	meeting.Task
	CanFinish bool
}

// StaffEventLine is a line of the meeting's log, the member acted for named.
type StaffEventLine struct {
	meeting.Event
	For string
}

func canMeetings(u *auth.User) bool { return u != nil && u.Role.IsStaff() }

func (s *Server) meetingStaff(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.staff(w, r)
	if u == nil {
		return nil
	}
	if !canMeetings(u) {
		s.fail(w, r, errs.ErrForbidden)
		return nil
	}
	if s.Meetings == nil {
		s.fail(w, r, errNoMeetings)
		return nil
	}
	return u
}

func (s *Server) staffMeetings(w http.ResponseWriter, r *http.Request) {
	u := s.meetingStaff(w, r)
	if u == nil {
		return
	}
	s.renderStaffMeetings(w, r, s.page(w, r, "meet.staff.title"), u, http.StatusOK)
}

func (s *Server) renderStaffMeetings(w http.ResponseWriter, r *http.Request, p *Page, u *auth.User, status int) {
	page, err := s.Meetings.List(r.Context(), *u, meeting.Filter{Cursor: r.URL.Query().Get("cursor"), Limit: 50})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	conv, err := s.Meetings.Convenes(r.Context(), *u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &StaffMeetingsData{Items: page.Items, Create: conv, AreaCode: u.AreaCode, Levels: disclosure.Levels, Default: meeting.DefaultLevel}
	if page.Next != "" {
		d.NextURL = "/staff/meetings?" + url.Values{"cursor": {page.Next}}.Encode()
	}
	p.Data = d
	s.render(w, r, status, "meeting_staff_list", p)
}

// staffMeetingCreate convenes a meeting from the form: the agenda one item
// a line, the time as the browser's datetime-local.
func (s *Server) staffMeetingCreate(w http.ResponseWriter, r *http.Request) {
	u := s.meetingStaff(w, r)
	if u == nil {
		return
	}
	n, err := s.meetingForm(r)
	var m meeting.Meeting
	if err == nil {
		m, err = s.Meetings.Create(r.Context(), *u, n)
	}
	if err != nil {
		p := s.page(w, r, "meet.staff.title")
		s.renderStaffMeetings(w, r, p, u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/staff/meetings/"+url.PathEscape(m.ID)+"?done=created")
}

func (s *Server) staffMeeting(w http.ResponseWriter, r *http.Request) {
	u := s.meetingStaff(w, r)
	if u == nil {
		return
	}
	s.renderStaffMeeting(w, r, s.page(w, r, "meet.one"), u, http.StatusOK)
}

func (s *Server) renderStaffMeeting(w http.ResponseWriter, r *http.Request, p *Page, u *auth.User, status int) {
	ctx := r.Context()
	m, err := s.Meetings.Get(ctx, *u, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["meet.flash."+done]; ok {
			p.Flash = tr(p.Lang, "meet.flash."+done)
		}
	}
	d := &StaffMeetingData{M: m, Kinds: meeting.Kinds, Levels: disclosure.Levels}
	d.Edit.Agenda, d.Edit.StartsAt = strings.Join(m.Agenda, "\n"), m.StartsAt.In(s.loc).Format("2006-01-02T15:04")
	names := map[string]string{}
	for _, x := range m.Members {
		names[x.ID] = x.Name
		if x.Present {
			d.Present = append(d.Present, x)
		}
	}
	for _, x := range m.Resolutions {
		if x.Passed {
			d.Passed = append(d.Passed, x)
		}
	}
	for _, t := range m.Tasks {
		d.Tasks = append(d.Tasks, StaffTaskRow{Task: t, CanFinish: t.Status == meeting.TaskOpen && meeting.CanFinishTask(*u, t, m.CanRun)})
	}
	if m.CanRun {
		evs, err := s.Meetings.Events(ctx, *u, m.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, e := range evs {
			d.Events = append(d.Events, StaffEventLine{Event: e, For: names[e.OnBehalf]})
		}
	}
	p.Data = d
	s.render(w, r, status, "meeting_staff", p)
}

// meetingForm reads the form that convenes a meeting or changes its draft.
func (s *Server) meetingForm(r *http.Request) (meeting.New, error) {
	f := r.PostFormValue
	n := meeting.New{AreaCode: f("area_code"), Title: f("title"), Agenda: strings.Split(f("agenda"), "\n"), Place: f("place"),
		Quorum: meeting.Quorum(f("quorum")), Level: disclosure.Level(f("level"))}
	var err error
	if n.StartsAt, err = time.ParseInLocation("2006-01-02T15:04", f("starts_at"), s.loc); err != nil {
		err = errs.Invalidf("请填写会议时间", "give the meeting's time")
	}
	return n, err
}

// staffMeetingAct takes the meeting page's forms.
func (s *Server) staffMeetingAct(w http.ResponseWriter, r *http.Request) {
	u := s.meetingStaff(w, r)
	if u == nil {
		return
	}
	ctx, f, id, action := r.Context(), r.PostFormValue, r.PathValue("id"), r.PathValue("action")
	ms := s.Meetings
	var err error
	switch action {
	case "edit":
		var n meeting.New
		if n, err = s.meetingForm(r); err == nil {
			_, err = ms.Edit(ctx, *u, id, n)
		}
	case "add":
		_, err = ms.AddRepresentatives(ctx, *u, id, []meeting.NewRepresentative{{Name: f("name"), Kind: f("kind"), OrgName: f("org_name"), Phone: f("phone")}})
	case "import":
		_, err = ms.ImportRoster(ctx, *u, id, strings.NewReader(f("csv")))
	case "remove":
		_, err = ms.RemoveRepresentative(ctx, *u, id, f("rep"))
	case "notice":
		_, err = ms.Notice(ctx, *u, id)
	case "open":
		_, err = ms.Open(ctx, *u, id)
	case "signin":
		_, err = ms.SignIn(ctx, *u, id, f("rep"))
	case "minutes":
		_, err = ms.SetMinutes(ctx, *u, id, f("text"))
	case "resolve":
		var in meeting.ResolutionInput
		if in, err = resolutionForm(r); err == nil {
			_, err = ms.Resolve(ctx, *u, id, in)
		}
	case "task":
		var n meeting.NewTask
		if n, err = taskForm(r); err == nil {
			_, err = ms.AddTask(ctx, *u, id, n)
		}
	case "done":
		_, err = ms.FinishTask(ctx, *u, f("task"), f("note"))
	case "close":
		_, err = ms.Close(ctx, *u, id)
	case "publish":
		_, err = ms.Publish(ctx, *u, id)
	default:
		s.notFound(w, r)
		return
	}
	if err != nil {
		if errs.Is(err, errs.NotFound) && action != "remove" && action != "done" {
			s.fail(w, r, err)
			return
		}
		p := s.page(w, r, "meet.one")
		s.renderStaffMeeting(w, r, p, u, s.formError(r, p, err))
		return
	}
	redirect(w, r, "/staff/meetings/"+url.PathEscape(id)+"?done="+action)
}

// formInt reads a whole number of a form; empty is 0.
func formInt(r *http.Request, key string) (int64, error) {
	v := strings.TrimSpace(r.PostFormValue(key))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, errs.Invalidf("人数须为非负整数", "counts must be whole numbers, 0 or more")
	}
	return n, nil
}

// resolutionForm reads the resolution form: the counts of a show of hands,
// or a choice per present member ("ballot_" and her ID) for a ballot.
func resolutionForm(r *http.Request) (meeting.ResolutionInput, error) {
	in := meeting.ResolutionInput{Text: r.PostFormValue("text"), Method: r.PostFormValue("method")}
	if in.Method == meeting.MethodBallot {
		for k, v := range r.PostForm {
			if rep, ok := strings.CutPrefix(k, "ballot_"); ok && len(v) > 0 && v[0] != "" {
				in.Ballots = append(in.Ballots, meeting.Ballot{RepresentativeID: rep, Choice: v[0]})
			}
		}
		return in, nil
	}
	var err error
	for key, n := range map[string]*int64{"for": &in.For, "against": &in.Against, "abstain": &in.Abstain} {
		if *n, err = formInt(r, key); err != nil {
			return in, err
		}
	}
	return in, nil
}

// taskForm reads the task form; its owner is "org:" and a code, or "rep:"
// and a member's ID, or an organisation's code typed in.
func taskForm(r *http.Request) (meeting.NewTask, error) {
	f := r.PostFormValue
	n := meeting.NewTask{Text: f("text")}
	res, err := formInt(r, "resolution")
	if err != nil {
		return n, err
	}
	days, err := formInt(r, "days")
	if err != nil {
		return n, errs.Invalidf("办理时限须为工作日数", "days must be a number of working days")
	}
	n.Resolution, n.Days = int(res), int(days)
	if rep, ok := strings.CutPrefix(f("owner"), "rep:"); ok {
		n.OwnerRep = rep
	} else {
		n.OwnerOrg = strings.TrimSpace(f("owner_org"))
	}
	return n, nil
}

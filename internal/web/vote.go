package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/attachment"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/vote"
)

// The owners' votes (业主共同决定): the staff's list and form to open one,
// a vote's page (its register by CSV, paper ballots, the close and the
// result), and the owner's page of her votes (vote_resident.go). Who may
// do what is the vote package's.

// VotesData is the staff's list.
type VotesData struct {
	Items    []vote.Vote
	NextURL  string
	Create   bool   // the form to open a vote
	AreaCode string // its area, prefilled
	Names    map[string]string
}

// VoteData is one vote's page, for the staff and for the owner.
type VoteData struct {
	V        vote.Vote
	AreaName string
	Register []vote.UnitBallot
	Shown    int  // rows of the register shown (the staff page shows the first 500)
	More     bool // the register has more rows than shown
	Run      bool
	Import   bool // the register may still grow
	Open     bool // ballots are taken
	Choices  bool // the choices are shown
	Checks   vote.Checks
}

var errNoVotes = errs.New(errs.Unavailable, "业主表决未启用", "owners' votes are not available")

func canVotes(u *auth.User) bool { return u != nil && u.Role.IsStaff() && vote.CanList(*u) }

func (s *Server) votesUser(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.staff(w, r)
	if u == nil {
		return nil
	}
	if !canVotes(u) {
		s.fail(w, r, errs.New(errs.Forbidden, "您不组织业主表决", "you run no owners' votes"))
		return nil
	}
	if s.Votes == nil {
		s.fail(w, r, errNoVotes)
		return nil
	}
	return u
}

func (s *Server) votesPage(w http.ResponseWriter, r *http.Request) {
	u := s.votesUser(w, r)
	if u == nil {
		return
	}
	s.renderVotes(w, r, s.page(w, r, "vote.title"), u, http.StatusOK)
}

func (s *Server) renderVotes(w http.ResponseWriter, r *http.Request, pg *Page, u *auth.User, status int) {
	q := r.URL.Query()
	items, next, err := s.Votes.List(r.Context(), *u, vote.Filter{Cursor: q.Get("cursor")})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &VotesData{Items: items, Create: u.IsAdmin() || vote.CanCreate(*u, u.AreaCode), AreaCode: u.AreaCode, Names: map[string]string{}}
	if next != "" {
		d.NextURL = "/staff/votes?cursor=" + url.QueryEscape(next)
	}
	for _, v := range items {
		if _, ok := d.Names[v.AreaCode]; !ok {
			d.Names[v.AreaCode] = s.areaName(r.Context(), v.AreaCode)
		}
	}
	pg.Data = d
	s.render(w, r, status, "vote_staff", pg)
}

// voteCreate opens a vote from the form.
func (s *Server) voteCreate(w http.ResponseWriter, r *http.Request) {
	u := s.votesUser(w, r)
	if u == nil {
		return
	}
	f := r.PostForm
	at, err := time.ParseInLocation("2006-01-02T15:04", f.Get("closes_at"), s.loc)
	if err != nil {
		err = errs.Invalidf("请填写截止时间", "enter the closing time")
	} else {
		var v vote.Vote
		v, err = s.Votes.Create(r.Context(), *u, vote.New{AreaCode: f.Get("area_code"), Title: f.Get("title"), Matter: f.Get("matter"),
			ClosesAt: at, Secret: f.Get("secret") == "1"})
		if err == nil {
			redirect(w, r, "/staff/votes/"+v.ID+"?done=created")
			return
		}
	}
	pg := s.page(w, r, "vote.title")
	s.renderVotes(w, r, pg, u, s.formError(r, pg, err))
}

func (s *Server) voteStaffPage(w http.ResponseWriter, r *http.Request) {
	u := s.votesUser(w, r)
	if u == nil {
		return
	}
	pg := s.page(w, r, "vote.one")
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["vote.done."+done]; ok {
			pg.Flash = tr(pg.Lang, "vote.done."+done)
		}
	}
	s.renderVote(w, r, pg, u, r.PathValue("id"), http.StatusOK)
}

// voteData reads a vote as u may see it.
func (s *Server) voteData(r *http.Request, u auth.User, id string) (*VoteData, error) {
	v, err := s.Votes.Get(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	reg, err := s.Votes.Register(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	d := &VoteData{V: v, AreaName: s.areaName(r.Context(), v.AreaCode), Register: reg, Run: vote.CanRun(u, v), Choices: vote.CanSeeChoices(u, v),
		Open: s.Votes.TakesBallots(v)}
	d.Import = d.Run && v.Status == vote.StatusOpen && v.Ballots == 0
	if v.Result != nil {
		d.Checks = v.Result.Checks(v.Matter)
	}
	return d, nil
}

func (s *Server) renderVote(w http.ResponseWriter, r *http.Request, pg *Page, u *auth.User, id string, status int) {
	d, err := s.voteData(r, *u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !d.Run {
		redirect(w, r, "/votes")
		return
	}
	d.Shown = min(len(d.Register), 500)
	d.More = d.Shown < len(d.Register)
	d.Register = d.Register[:d.Shown]
	pg.Data = d
	s.render(w, r, status, "vote_staff_one", pg)
}

// voteAct takes the staff's forms of a vote: the register's CSV, a paper
// ballot, the close.
func (s *Server) voteAct(w http.ResponseWriter, r *http.Request) {
	u := s.votesUser(w, r)
	if u == nil {
		return
	}
	ctx, id, action := r.Context(), r.PathValue("id"), r.PathValue("action")
	var err error
	switch action {
	case "units":
		err = s.voteImport(r, *u, id)
	case "ballots":
		b := vote.BallotIn{Unit: r.PostForm.Get("unit"), Choice: r.PostForm.Get("choice"), PaperRef: r.PostForm.Get("paper_ref")}
		err = withScan(r, false, func(sc *vote.Scan) error {
			b.Scan = sc
			_, err := s.Votes.Cast(ctx, *u, id, []vote.BallotIn{b})
			return err
		})
	case "scan":
		err = withScan(r, true, func(sc *vote.Scan) error { return s.Votes.AttachScan(ctx, *u, id, r.PostForm.Get("unit"), *sc) })
	case "close":
		_, err = s.Votes.Close(ctx, *u, id)
	default:
		err = errs.NotFoundf("未知的操作：%q", "unknown action: %q", action)
	}
	if err != nil {
		pg := s.page(w, r, "vote.one")
		status := s.formError(r, pg, err)
		s.renderVote(w, r, pg, u, id, status)
		return
	}
	redirect(w, r, "/staff/votes/"+id+"?done="+action)
}

// withScan calls fn with the form's scan of a paper ballot (nil without
// one, unless it is needed), open while fn runs.
func withScan(r *http.Request, need bool, fn func(*vote.Scan) error) error {
	files := uploaded(r)
	if len(files) == 0 {
		if need {
			return errs.Invalidf("请选择扫描件文件", "choose the scan's file")
		}
		return fn(nil)
	}
	if len(files) > 1 {
		return errs.Invalidf("每张票只附一份扫描件", "one scan a ballot")
	}
	f, err := files[0].Open()
	if err != nil {
		return errs.Wrap(err, "open uploaded scan")
	}
	defer f.Close()
	return fn(&vote.Scan{Name: files[0].Filename, R: f})
}

// voteScan shows the scan of a unit's paper ballot to the staff running
// the vote.
func (s *Server) voteScan(w http.ResponseWriter, r *http.Request) {
	u := s.votesUser(w, r)
	if u == nil {
		return
	}
	thumb, err := attachment.ParseThumb(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, att, err := s.Votes.OpenScan(r.Context(), *u, r.PathValue("id"), r.PathValue("unit"), thumb)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer f.Close()
	attachment.Serve(w, r, f, att, thumb)
}

// voteImport adds the register from the form's CSV file (or its pasted
// text).
func (s *Server) voteImport(r *http.Request, u auth.User, id string) error {
	var units []vote.UnitIn
	var err error
	if f, _, ferr := r.FormFile("file"); ferr == nil {
		defer f.Close()
		units, err = vote.ParseCSV(f)
	} else if text := r.PostForm.Get("csv"); strings.TrimSpace(text) != "" {
		units, err = vote.ParseCSV(strings.NewReader(text))
	} else {
		err = errs.Invalidf("请选择 CSV 文件", "choose a CSV file")
	}
	if err != nil {
		return err
	}
	_, err = s.Votes.AddUnits(r.Context(), u, id, units)
	return err
}

// voteRoutes are the owners' votes' pages.
func (s *Server) voteRoutes(h, files route) {
	h("GET /staff/votes", s.votesPage)
	h("POST /staff/votes", s.voteCreate)
	h("GET /staff/votes/{id}", s.voteStaffPage)
	h("GET /staff/votes/{id}/scans/{unit}", s.voteScan)
	files("POST /staff/votes/{id}/{action}", s.voteAct) // units (a CSV file), ballots (with a scan), scan, close
	h("GET /votes", s.myVotes)
	h("POST /votes/{id}/ballots", s.myVoteCast)
}

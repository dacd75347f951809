package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/election"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/vote"
)

// Elections (业委会选举、居民代表选举): the staff's list and form to open
// one, an election's page (candidates, the register by CSV, paper ballots,
// the close and the count), and the resident's pages
// (election_resident.go). Who may do what is the election package's.

// electionRoutes are the elections' pages.
func (s *Server) electionRoutes(h, files route) {
	h("GET /staff/elections", s.electionsPage)
	h("POST /staff/elections", s.electionCreate)
	h("GET /staff/elections/{id}", s.electionStaffPage)
	files("POST /staff/elections/{id}/{action}", s.electionAct) // units (a CSV file), candidates, remove, ballots, close
	h("GET /elections", s.myElections)
	h("GET /elections/{id}", s.electionPage)
	h("POST /elections/{id}/ballots", s.electionCast)
}

// ElectionsData is the staff's list.
type ElectionsData struct {
	Items    []election.Election
	NextURL  string
	Create   bool   // the form to open one
	AreaCode string // its area, prefilled
	Names    map[string]string
	Levels   []disclosure.Level
}

// ElectionData is one election's page, for the staff and for the resident.
type ElectionData struct {
	E        election.Election
	AreaName string
	Run      bool // the reader runs it: the staff's forms and the register
	Frozen   bool // the register and candidates are fixed
	Open     bool // ballots are taken now
	Upcoming bool // not open yet
	Register []election.RegisterUnit
	Shown    int  // rows of the register shown (the first 500)
	More     bool // the register has more rows than shown
	Mine     map[string]bool
	Names    map[string]string // candidate ID → name
	Quorum   string            // the rules in words
	Elect    string
}

var errNoElections = errs.New(errs.Unavailable, "选举未启用", "elections are not available")

func canElections(u *auth.User) bool { return u != nil && election.CanManage(*u) }

func (s *Server) electionsUser(w http.ResponseWriter, r *http.Request) *auth.User {
	u := s.staff(w, r)
	if u == nil {
		return nil
	}
	if s.Elections == nil {
		s.fail(w, r, errNoElections)
		return nil
	}
	return u
}

func (s *Server) electionsPage(w http.ResponseWriter, r *http.Request) {
	if u := s.electionsUser(w, r); u != nil {
		s.renderElections(w, r, s.page(w, r, "elec.title"), u, http.StatusOK)
	}
}

func (s *Server) renderElections(w http.ResponseWriter, r *http.Request, pg *Page, u *auth.User, status int) {
	items, next, err := s.Elections.List(r.Context(), *u, election.Filter{Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &ElectionsData{Items: items, Create: election.OffersCreate(*u), AreaCode: u.AreaCode, Names: map[string]string{},
		Levels: []disclosure.Level{disclosure.Residents, disclosure.Public, disclosure.Internal}}
	if next != "" {
		d.NextURL = "/staff/elections?cursor=" + url.QueryEscape(next)
	}
	for _, e := range items {
		if _, ok := d.Names[e.AreaCode]; !ok {
			d.Names[e.AreaCode] = s.areaName(r.Context(), e.AreaCode)
		}
	}
	pg.Data = d
	s.render(w, r, status, "election_staff", pg)
}

// electionCreate opens an election from the form.
func (s *Server) electionCreate(w http.ResponseWriter, r *http.Request) {
	u := s.electionsUser(w, r)
	if u == nil {
		return
	}
	f := r.PostForm
	n := election.New{Kind: f.Get("kind"), AreaCode: f.Get("area_code"), Title: f.Get("title"), Level: disclosure.Level(f.Get("level"))}
	var err error
	seats, serr := strconv.Atoi(strings.TrimSpace(f.Get("seats")))
	closes, cerr := time.ParseInLocation("2006-01-02T15:04", f.Get("closes_at"), s.loc)
	switch {
	case serr != nil:
		err = errs.Invalidf("请填写应选名额", "enter the number of seats")
	case cerr != nil:
		err = errs.Invalidf("请填写截止时间", "enter the closing time")
	default:
		n.Seats, n.ClosesAt = seats, closes
		if v := f.Get("opens_at"); v != "" {
			if n.OpensAt, err = time.ParseInLocation("2006-01-02T15:04", v, s.loc); err != nil {
				err = errs.Invalidf("开始时间格式不正确", "malformed opening time")
			}
		}
	}
	if err == nil {
		var e election.Election
		if e, err = s.Elections.Create(r.Context(), *u, n); err == nil {
			redirect(w, r, "/staff/elections/"+e.ID+"?done=created")
			return
		}
	}
	pg := s.page(w, r, "elec.title")
	s.renderElections(w, r, pg, u, s.formError(r, pg, err))
}

func (s *Server) electionStaffPage(w http.ResponseWriter, r *http.Request) {
	u := s.electionsUser(w, r)
	if u == nil {
		return
	}
	pg := s.page(w, r, "elec.one")
	if done := r.URL.Query().Get("done"); done != "" {
		if _, ok := messages["elec.done."+done]; ok {
			pg.Flash = tr(pg.Lang, "elec.done."+done)
		}
	}
	s.renderElectionStaff(w, r, pg, u, r.PathValue("id"), http.StatusOK)
}

// electionData reads an election as u may see it, with the rules in the
// page's words.
func (s *Server) electionData(r *http.Request, lang string, u auth.User, id string) (*ElectionData, error) {
	e, err := s.Elections.Get(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	d := &ElectionData{E: e, AreaName: s.areaName(r.Context(), e.AreaCode), Run: election.CanRun(u, e), Open: s.Elections.TakesBallots(e),
		Upcoming: s.Elections.Upcoming(e), Mine: map[string]bool{}, Names: map[string]string{},
		Quorum: shareWords(lang, e.Rules.Quorum), Elect: shareWords(lang, e.Rules.Elect)}
	d.Frozen = e.Status != election.StatusOpen || e.Ballots > 0
	for _, c := range e.MyChoices {
		d.Mine[c] = true
	}
	for _, c := range e.Candidates {
		d.Names[c.ID] = c.Name
	}
	return d, nil
}

// shareWords writes a share: "超过 1/2", "不少于 2/3".
func shareWords(lang string, sh election.Share) string {
	f := strconv.FormatInt(sh.Num, 10) + "/" + strconv.FormatInt(sh.Den, 10)
	if sh.Strict {
		return tr(lang, "elec.share.more", f)
	}
	return tr(lang, "elec.share.least", f)
}

func (s *Server) renderElectionStaff(w http.ResponseWriter, r *http.Request, pg *Page, u *auth.User, id string, status int) {
	d, err := s.electionData(r, pg.Lang, *u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Run && d.E.Kind == election.KindOwnersCommittee {
		if d.Register, err = s.Elections.Register(r.Context(), *u, id, 501); err != nil {
			s.fail(w, r, err)
			return
		}
		d.Shown = min(len(d.Register), 500)
		d.More, d.Register = d.Shown < len(d.Register), d.Register[:d.Shown]
	}
	pg.Data = d
	s.render(w, r, status, "election_staff_one", pg)
}

// electionAct takes the staff's forms of an election: the register's CSV,
// candidates, a candidate's removal, a paper ballot, the close.
func (s *Server) electionAct(w http.ResponseWriter, r *http.Request) {
	u := s.electionsUser(w, r)
	if u == nil {
		return
	}
	ctx, id, action, f := r.Context(), r.PathValue("id"), r.PathValue("action"), r.PostForm
	var err error
	switch action {
	case "units":
		err = s.electionImport(r, *u, id)
	case "candidates":
		_, err = s.Elections.AddCandidates(ctx, *u, id, []election.CandidateIn{{Name: f.Get("name"), Intro: f.Get("intro")}})
	case "remove":
		_, err = s.Elections.RemoveCandidate(ctx, *u, id, f.Get("candidate"))
	case "ballots":
		_, err = s.Elections.Cast(ctx, *u, id, election.BallotIn{Choices: f["choice"], Blank: f.Get("blank") == "1", Voter: f.Get("voter"), PaperRef: f.Get("paper_ref")})
	case "close":
		_, err = s.Elections.Close(ctx, *u, id)
	default:
		err = errs.NotFoundf("未知的操作：%q", "unknown action: %q", action)
	}
	if err != nil {
		pg := s.page(w, r, "elec.one")
		status := s.formError(r, pg, err)
		s.renderElectionStaff(w, r, pg, u, id, status)
		return
	}
	redirect(w, r, "/staff/elections/"+id+"?done="+action)
}

// electionImport adds the register from the form's CSV file, read by the
// owners' votes' rules.
func (s *Server) electionImport(r *http.Request, u auth.User, id string) error {
	file, _, err := r.FormFile("file")
	if err != nil {
		return errs.Invalidf("请选择 CSV 文件", "choose a CSV file")
	}
	defer file.Close()
	units, err := vote.ParseCSV(file)
	if err != nil {
		return err
	}
	_, err = s.Elections.AddUnits(r.Context(), u, id, units)
	return err
}

package meeting

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/plaintext"
)

// Statuses of a task.
const (
	TaskOpen = "open"
	TaskDone = "done"
)

// Task is the follow-up of a passed resolution: what, by whom, by when.
type Task struct {
	ID           string `json:"id"`
	MeetingID    string `json:"meeting_id"`
	MeetingTitle string `json:"meeting_title"`
	Resolution   int    `json:"resolution"`
	Text         string `json:"text"`
	// The owner: an organisation (OwnerOrg), or a member of the roster
	// (OwnerRep, shown to those who run the meeting; others read her kind
	// and organisation in OwnerKind and OwnerName).
	OwnerOrg  string     `json:"owner_org_code"`
	OwnerRep  string     `json:"owner_representative_id,omitempty"`
	OwnerKind string     `json:"owner_kind"` // org, or the member's kind
	OwnerName string     `json:"owner_name"`
	Days      int        `json:"days"`
	DueAt     time.Time  `json:"due_at"`
	Status    string     `json:"status"`
	Overdue   bool       `json:"overdue"` // open past its due time
	CreatedAt time.Time  `json:"created_at"`
	DoneAt    *time.Time `json:"done_at"`
	DoneLate  bool       `json:"done_late"`
	DoneNote  string     `json:"done_note"`

	areaCode string
}

// NewTask is a task to set on a passed resolution of the meeting: an
// owner organisation's code or a member's ID, and the working days it has.
type NewTask struct {
	Resolution int    `json:"resolution"`
	Text       string `json:"text"`
	OwnerOrg   string `json:"owner_org_code"`
	OwnerRep   string `json:"owner_representative_id"`
	Days       int    `json:"days"`
}

func (n *NewTask) check() error {
	n.Text = strings.TrimSpace(plaintext.Clean(n.Text))
	n.OwnerOrg, n.OwnerRep = strings.TrimSpace(n.OwnerOrg), strings.TrimSpace(n.OwnerRep)
	switch {
	case n.Text == "" || utf8.RuneCountInString(n.Text) > MaxTaskText:
		return errs.Invalidf("任务内容不能为空且不超过%d字", "the task must be 1 to %d characters", MaxTaskText)
	case (n.OwnerOrg == "") == (n.OwnerRep == ""):
		return errs.Invalidf("任务须有一个责任方：单位（owner_org_code）或代表（owner_representative_id）", "a task has one owner: an organisation (owner_org_code) or a representative (owner_representative_id)")
	case n.Days < 1 || n.Days > MaxTaskDays:
		return errs.Invalidf("办理时限须为1到%d个工作日", "days must be 1 to %d working days", MaxTaskDays)
	case n.Resolution < 1:
		return errs.Invalidf("请指明决议（resolution）", "name the resolution")
	}
	return nil
}

const taskCols = `t.id, t.meeting_id, m.title, m.area_code, t.resolution, t.text, t.owner_org, t.owner_rep, COALESCE(mm.kind, ''), COALESCE(mm.org_name, ''),
t.owner_name, t.days, t.due_at, t.status, t.created_at, t.done_at, t.done_note`

const taskFrom = ` FROM meeting_tasks t JOIN meetings m ON m.id = t.meeting_id
LEFT JOIN meeting_members mm ON mm.meeting_id = t.meeting_id AND mm.rep_id = t.owner_rep`

func (s *Service) scanTask(sc interface{ Scan(...any) error }, detail bool) (Task, error) {
	var t Task
	var due, created int64
	var done sql.NullInt64
	var kind, org string
	err := sc.Scan(&t.ID, &t.MeetingID, &t.MeetingTitle, &t.areaCode, &t.Resolution, &t.Text, &t.OwnerOrg, &t.OwnerRep, &kind, &org,
		&t.OwnerName, &t.Days, &due, &t.Status, &created, &done, &t.DoneNote)
	if err != nil {
		return t, err
	}
	t.DueAt, t.CreatedAt, t.DoneAt = s.at(due), s.at(created), s.opt(done)
	t.OwnerKind = "org"
	if t.OwnerRep != "" {
		t.OwnerKind = kind
		if !detail {
			t.OwnerRep, t.OwnerName = "", org
		}
	}
	t.Overdue = t.Status == TaskOpen && s.clock.Now().After(t.DueAt)
	t.DoneLate = t.DoneAt != nil && t.DoneAt.After(t.DueAt)
	return t, nil
}

func (s *Service) tasks(ctx context.Context, q db.Queryer, id string, detail bool) ([]Task, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+taskCols+taskFrom+` WHERE t.meeting_id = $1 ORDER BY t.created_at, t.id`, id)
	if err != nil {
		return nil, errs.Wrap(err, "meeting tasks")
	}
	defer rows.Close()
	out := []Task{}
	for rows.Next() {
		t, err := s.scanTask(rows, detail)
		if err != nil {
			return nil, errs.Wrap(err, "scan task")
		}
		out = append(out, t)
	}
	return out, errs.Wrap(rows.Err(), "meeting tasks")
}

// AddTask sets a task on a passed resolution of the meeting (open, closed
// or published), due after its working days on the tickets' calendar; the
// owner is told.
func (s *Service) AddTask(ctx context.Context, u auth.User, id string, n NewTask) (Task, error) {
	if err := n.check(); err != nil {
		return Task{}, err
	}
	taskID := db.NewID()
	err := s.runTx(ctx, u, id, func(tx *sql.Tx, m Meeting, now time.Time) error {
		if m.Status != StatusOpen && m.Status != StatusClosed && m.Status != StatusPublished {
			return errState(m.Status)
		}
		var passed bool
		err := tx.QueryRowContext(ctx, `SELECT passed FROM meeting_resolutions WHERE meeting_id = $1 AND seq = $2`, id, n.Resolution).Scan(&passed)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.Invalidf("本次会议没有第%d项决议", "the meeting has no resolution %d", n.Resolution)
		} else if err != nil {
			return errs.Wrap(err, "read resolution")
		}
		if !passed {
			return errs.Conflictf("只有通过的决议才能分派任务", "only a passed resolution takes tasks")
		}
		var count int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM meeting_tasks WHERE meeting_id = $1`, id).Scan(&count); err != nil {
			return errs.Wrap(err, "count tasks")
		}
		if count >= MaxTasks {
			return errs.Conflictf("一次会议最多%d项任务", "a meeting takes at most %d tasks", MaxTasks)
		}
		name, phone, err := s.owner(ctx, tx, id, n)
		if err != nil {
			return err
		}
		due := s.cal.AddWorkingDays(now, n.Days)
		_, err = tx.ExecContext(ctx, `INSERT INTO meeting_tasks (id, meeting_id, resolution, text, owner_org, owner_rep, owner_name, owner_phone, days, due_at, status, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`, taskID, id, n.Resolution, n.Text, n.OwnerOrg, n.OwnerRep, name, phone, n.Days, db.Millis(due), TaskOpen, u.ID, db.Millis(now))
		if err != nil {
			return errs.Wrap(err, "insert task")
		}
		detail := map[string]any{"task": taskID, "resolution": n.Resolution, "owner_org": n.OwnerOrg, "days": n.Days, "due_at": due.In(s.loc)}
		if err := s.event(ctx, tx, id, u, "", "task", detail, now); err != nil {
			return err
		}
		text := fmt.Sprintf("%s议事会「%s」决议的任务：%s，请于%s前办结。", m.AreaName, m.Title, n.Text, due.In(s.loc).Format("2006-01-02 15:04"))
		return s.notify(ctx, tx, now, phone, n.OwnerOrg, text)
	})
	if err != nil {
		return Task{}, err
	}
	return s.task(ctx, s.db.R, taskID, true)
}

// owner checks the task's owner and returns its name and, for a member,
// her phone.
func (s *Service) owner(ctx context.Context, tx *sql.Tx, id string, n NewTask) (name, phone string, err error) {
	if n.OwnerOrg != "" {
		o, err := gov.OrgQ(ctx, tx, n.OwnerOrg)
		if errs.Is(err, errs.NotFound) {
			return "", "", errs.Invalidf("单位 %s 不存在", "no organisation %s", n.OwnerOrg)
		}
		return o.Name, "", err
	}
	err = tx.QueryRowContext(ctx, `SELECT name, phone FROM meeting_members WHERE meeting_id = $1 AND rep_id = $2`, id, n.OwnerRep).Scan(&name, &phone)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", errs.Invalidf("该代表不在本次议事会名单中", "that representative is not on this meeting's roster")
	}
	return name, phone, errs.Wrap(err, "read member")
}

func (s *Service) task(ctx context.Context, q db.Queryer, taskID string, detail bool) (Task, error) {
	if len(taskID) != 24 || strings.Trim(taskID, "0123456789abcdef") != "" {
		return Task{}, errNoTask
	}
	t, err := s.scanTask(q.QueryRowContext(ctx, `SELECT `+taskCols+taskFrom+` WHERE t.id = $1`, taskID), detail)
	if errors.Is(err, sql.ErrNoRows) {
		return Task{}, errNoTask
	}
	return t, errs.Wrap(err, "read task")
}

var errNoTask = errs.NotFoundf("任务不存在", "no such task")

// FinishTask marks an open task done, by the staff of its owner
// organisation or those who run its meeting; done after its due time is
// marked late.
func (s *Service) FinishTask(ctx context.Context, u auth.User, taskID, note string) (Task, error) {
	note = strings.TrimSpace(plaintext.Clean(note))
	if utf8.RuneCountInString(note) > MaxNote {
		return Task{}, errs.Invalidf("办结说明不超过%d字", "the note must be at most %d characters", MaxNote)
	}
	var runs bool
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		t, err := s.task(ctx, tx, taskID, true)
		if err != nil {
			return err
		}
		m, err := s.lock(ctx, tx, t.MeetingID)
		if err != nil {
			return err
		}
		conv, err := s.convener(ctx, tx, u)
		if err != nil {
			return err
		}
		runs = CanRun(u, conv, m.AreaCode)
		if !CanFinishTask(u, t, runs) {
			if _, _, err := s.access(ctx, tx, u, m); err != nil {
				return errNoTask
			}
			return errs.New(errs.Forbidden, "只有责任单位或会议召集人可以办结任务", "only the owner organisation or the meeting's conveners finish a task")
		}
		if t.Status != TaskOpen {
			return errs.Conflictf("任务已办结", "the task is done already")
		}
		now := s.clock.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE meeting_tasks SET status = $2, done_by = $3, done_at = $4, done_note = $5 WHERE id = $1`,
			taskID, TaskDone, u.ID, db.Millis(now), note); err != nil {
			return errs.Wrap(err, "finish task")
		}
		return s.event(ctx, tx, m.ID, u, "", "task_done", map[string]any{"task": taskID, "late": now.After(t.DueAt), "note": note}, now)
	})
	if err != nil {
		return Task{}, err
	}
	return s.task(ctx, s.db.R, taskID, runs)
}

// OpenTasksOf lists the organisation's open tasks, the earliest due first
// (at most limit, up to MaxList): a staff member's to-do list.
func (s *Service) OpenTasksOf(ctx context.Context, u auth.User, orgCode string, limit int) ([]Task, error) {
	if !CanListTasks(u, orgCode) {
		return nil, errs.ErrForbidden
	}
	if limit < 1 || limit > MaxList {
		limit = MaxList
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+taskCols+taskFrom+` WHERE t.owner_org = $1 AND t.status = $2 ORDER BY t.due_at, t.id LIMIT $3`, orgCode, TaskOpen, limit)
	if err != nil {
		return nil, errs.Wrap(err, "open tasks")
	}
	defer rows.Close()
	out := []Task{}
	for rows.Next() {
		t, err := s.scanTask(rows, false)
		if err != nil {
			return nil, errs.Wrap(err, "scan task")
		}
		out = append(out, t)
	}
	return out, errs.Wrap(rows.Err(), "open tasks")
}

package meeting_test

import (
	"context"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/meeting"
)

func at(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, clock.BusinessZone())
}

// TestTasks sets the tasks of a passed resolution on the working-day
// calendar (over the National Day holidays and over a weekend), reminds
// their owners once, lists an organisation's open tasks and finishes them.
func TestTasks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		m := f.create(t, f.committee, courtyard, "")
		f.roster(t, m.ID, 3)
		f.advanceOpen(t, m.ID)
		m, err := f.s.Resolve(ctx, f.committee, m.ID, meeting.ResolutionInput{Text: "同意划线", Method: meeting.MethodHands, For: 3})
		must(t, err)
		rep := m.Members[0].ID
		for what, c := range map[string]struct {
			n    meeting.NewTask
			code errs.Code
		}{
			"two owners":         {meeting.NewTask{Resolution: 1, Text: "划线", OwnerOrg: "PY", OwnerRep: rep, Days: 2}, errs.Invalid},
			"no owner":           {meeting.NewTask{Resolution: 1, Text: "划线", Days: 2}, errs.Invalid},
			"no days":            {meeting.NewTask{Resolution: 1, Text: "划线", OwnerOrg: "PY"}, errs.Invalid},
			"no such org":        {meeting.NewTask{Resolution: 1, Text: "划线", OwnerOrg: "NOPE", Days: 2}, errs.Invalid},
			"not a member":       {meeting.NewTask{Resolution: 1, Text: "划线", OwnerRep: "nobody", Days: 2}, errs.Invalid},
			"no such resolution": {meeting.NewTask{Resolution: 9, Text: "划线", OwnerOrg: "PY", Days: 2}, errs.Invalid},
		} {
			_, err := f.s.AddTask(ctx, f.committee, m.ID, c.n)
			wantCode(t, err, c.code, what)
		}
		_, err = f.s.AddTask(ctx, f.property, m.ID, meeting.NewTask{Resolution: 1, Text: "划线", OwnerOrg: "PY", Days: 2})
		wantCode(t, err, errs.Forbidden, "the property company sets a task")

		// Wednesday 30 September + 2 working days: 1–7 October are off,
		// so Friday 9 October; + 1 is Thursday 8 October.
		org, err := f.s.AddTask(ctx, f.committee, m.ID, meeting.NewTask{Resolution: 1, Text: "东侧划线", OwnerOrg: "PY", Days: 2})
		must(t, err)
		if !org.DueAt.Equal(at(2026, 10, 9, 10, 0)) || org.OwnerName != "一号院物业" || org.OwnerKind != "org" {
			t.Fatalf("the property company's task: %+v", org)
		}
		mine, err := f.s.AddTask(ctx, f.committee, m.ID, meeting.NewTask{Resolution: 1, Text: "通知住户挪车", OwnerRep: rep, Days: 1})
		must(t, err)
		if !mine.DueAt.Equal(at(2026, 10, 8, 10, 0)) || mine.OwnerKind != meeting.KindResident || mine.OwnerName != "代表1" {
			t.Fatalf("the representative's task: %+v", mine)
		}
		var told int
		must(t, d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE kind = 'meeting' AND (org_code = 'PY' OR phone = $1) AND text LIKE '%请于%'`, f.residents[0].Phone).Scan(&told))
		if told != 2 {
			t.Fatalf("owners told of their tasks: %d", told)
		}

		// Reminders: the task due on the next working day now, the other
		// when its turn comes, each once; overdue once.
		reminds := func(want int) {
			t.Helper()
			n, err := f.s.Remind(ctx)
			must(t, err)
			if n != want {
				t.Fatalf("at %s: %d reminders, want %d", f.clock.Now(), n, want)
			}
		}
		reminds(1)
		reminds(0)
		f.clock.Set(at(2026, 10, 8, 9, 0))
		reminds(0)
		f.clock.Set(at(2026, 10, 8, 10, 0))
		reminds(2) // the property company's due soon, the representative's overdue
		reminds(0)
		f.clock.Set(at(2026, 10, 9, 10, 1))
		reminds(1)
		reminds(0)
		list, err := f.s.OpenTasksOf(ctx, f.property, "PY", 10)
		must(t, err)
		if len(list) != 1 || list[0].ID != org.ID || !list[0].Overdue || list[0].MeetingTitle != m.Title {
			t.Fatalf("the property company's open tasks: %+v", list)
		}
		_, err = f.s.OpenTasksOf(ctx, f.committee, "PY", 10)
		wantCode(t, err, errs.Forbidden, "another organisation's tasks")
		_, err = f.s.OpenTasksOf(ctx, f.admin, "PY", 10)
		must(t, err)
		todo, err := f.s.TodoItems(ctx, f.property)
		must(t, err)
		if len(todo) != 1 || todo[0].Ref != m.ID || !todo[0].NeedsAction || todo[0].Due == nil || todo[0].Role != "task" {
			t.Fatalf("the property company's to-do: %+v", todo)
		}

		_, err = f.s.FinishTask(ctx, f.other, org.ID, "")
		wantCode(t, err, errs.NotFound, "a stranger finishes a task")
		_, err = f.s.FinishTask(ctx, f.residents[0], mine.ID, "")
		wantCode(t, err, errs.Forbidden, "the owner representative herself finishes a task")
		_, err = f.s.FinishTask(ctx, f.property, "0123456789abcdef01234567", "")
		wantCode(t, err, errs.NotFound, "no such task")
		done, err := f.s.FinishTask(ctx, f.property, org.ID, "已划线12个车位")
		must(t, err)
		if done.Status != meeting.TaskDone || done.Overdue || !done.DoneLate || done.DoneNote == "" {
			t.Fatalf("done late: %+v", done)
		}
		_, err = f.s.FinishTask(ctx, f.property, org.ID, "")
		wantCode(t, err, errs.Conflict, "finish twice")
		f.clock.Set(at(2026, 12, 4, 10, 0)) // a Friday
		weekend, err := f.s.AddTask(ctx, f.committee, m.ID, meeting.NewTask{Resolution: 1, Text: "复查", OwnerOrg: "CC1", Days: 1})
		must(t, err)
		if !weekend.DueAt.Equal(at(2026, 12, 7, 10, 0)) {
			t.Fatalf("Friday + 1 working day: %s", weekend.DueAt)
		}
		list, err = f.s.OpenTasksOf(ctx, f.property, "PY", 10)
		must(t, err)
		if len(list) != 0 {
			t.Fatalf("a done task is still open: %+v", list)
		}
		evs, err := f.s.Events(ctx, f.committee, m.ID)
		must(t, err)
		kinds := map[string]int{}
		for _, e := range evs {
			kinds[e.Kind]++
		}
		if kinds["task"] != 3 || kinds["task_done"] != 1 {
			t.Fatalf("log: %v", kinds)
		}
	})
}

// advanceOpen notices and opens the meeting and signs everyone in.
func (f *fixture) advanceOpen(t *testing.T, id string) {
	t.Helper()
	ctx := context.Background()
	m, err := f.s.Notice(ctx, f.committee, id)
	must(t, err)
	_, err = f.s.Open(ctx, f.committee, id)
	must(t, err)
	for _, x := range m.Members {
		_, err = f.s.SignIn(ctx, f.committee, id, x.ID)
		must(t, err)
	}
}

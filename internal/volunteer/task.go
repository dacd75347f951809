package volunteer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// NewTask is what it takes to post a task.
type NewTask struct {
	AreaCode string    `json:"area_code"`
	Title    string    `json:"title"`
	Place    string    `json:"place"`
	StartsAt time.Time `json:"starts_at"`
	Places   int64     `json:"places"`
}

func (n *NewTask) check(now time.Time) error {
	n.AreaCode = strings.TrimSpace(n.AreaCode)
	if !gov.ValidCode(n.AreaCode) {
		return errArea
	}
	if err := oneLine(&n.Title, 1, MaxTitle, "任务名称", "the title"); err != nil {
		return err
	}
	if err := oneLine(&n.Place, 1, MaxPlace, "地点", "the place"); err != nil {
		return err
	}
	if n.StartsAt.IsZero() || !n.StartsAt.After(now) || n.StartsAt.After(now.AddDate(0, 0, MaxAheadDays)) {
		return errs.Invalidf("任务时间须在今后一年之内", "starts_at must be within the coming year")
	}
	if n.Places < 1 || n.Places > MaxPlaces {
		return errs.Invalidf("招募人数须在1到%d之间", "places must be 1 to %d", MaxPlaces)
	}
	return nil
}

// ValidTaskID reports whether id is shaped as a task's: ZY, the date and a
// sequence of the day.
func ValidTaskID(id string) bool { return db.ValidDayNumber(id, "ZY") }

// Post posts a task of the community the area lies in, by its staff.
func (s *Service) Post(ctx context.Context, u auth.User, n NewTask) (Task, error) {
	now := s.clock.Now()
	if err := n.check(now); err != nil {
		return Task{}, err
	}
	var id string
	for try := 0; try < 4; try++ {
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			c, err := community(ctx, tx, n.AreaCode)
			if err != nil {
				return err
			}
			mgr, err := s.manager(ctx, tx, u)
			if err != nil {
				return err
			}
			if !CanManage(u, mgr, c.Code) {
				return errs.New(errs.Forbidden, "只有本社区、街道的工作人员可以发布志愿任务", "only the community's or street's staff post its tasks")
			}
			id, err = db.NextDayNumber(ctx, tx, "volunteer_tasks", "id", "ZY", now.In(s.loc), [2]string{"志愿任务", "tasks"})
			if err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO volunteer_tasks (id, area_code, community_code, org_code, title, place, starts_at, places, status, created_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, id, n.AreaCode, c.Code, u.OrgCode, n.Title, n.Place, db.Millis(n.StartsAt), n.Places, TaskOpen, u.ID, db.Millis(now))
			if err != nil {
				return errs.Wrap(db.MapError(err), "insert task")
			}
			return s.event(ctx, tx, id, u, "", "post", map[string]any{"title": n.Title, "area_code": n.AreaCode, "starts_at": n.StartsAt.In(s.loc), "places": n.Places}, now)
		})
		if !db.IsUnique(err) {
			if err != nil {
				return Task{}, err
			}
			return s.Task(ctx, u, id)
		}
	}
	return Task{}, errs.Conflictf("任务编号冲突，请重试", "task number taken; try again")
}

const taskCols = `t.id, t.area_code, a.name, t.community_code, t.org_code, t.title, t.place, t.starts_at, t.places, t.taken, t.status, t.created_at`
const taskFrom = ` FROM volunteer_tasks t JOIN areas a ON a.code = t.area_code`

func (s *Service) scanTask(row interface{ Scan(...any) error }) (Task, error) {
	var t Task
	var starts, created int64
	err := row.Scan(&t.ID, &t.AreaCode, &t.AreaName, &t.CommunityCode, &t.OrgCode, &t.Title, &t.Place, &starts, &t.Places, &t.Taken, &t.Status, &created)
	t.StartsAt, t.CreatedAt = s.at(starts), s.at(created)
	t.Begun = !t.StartsAt.After(s.clock.Now())
	return t, err
}

func (s *Service) readTask(ctx context.Context, q db.Queryer, id string, lock bool) (Task, error) {
	if !ValidTaskID(id) {
		return Task{}, errTaskNotFound
	}
	query := `SELECT ` + taskCols + taskFrom + ` WHERE t.id = $1`
	if lock && s.db.Engine == db.Postgres {
		query += ` FOR UPDATE OF t`
	}
	t, err := s.scanTask(q.QueryRowContext(ctx, query, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Task{}, errTaskNotFound
	}
	return t, errs.Wrap(err, "read task")
}

// Task returns a task as u may see it: its organisers with the sign-ups,
// a volunteer of its community with her own sign-up.
func (s *Service) Task(ctx context.Context, u auth.User, id string) (Task, error) {
	t, err := s.readTask(ctx, s.db.R, id, false)
	if err != nil {
		return Task{}, err
	}
	mgr, err := s.manager(ctx, s.db.R, u)
	if err != nil {
		return Task{}, err
	}
	t.CanRun = CanManage(u, mgr, t.CommunityCode)
	if t.CanRun {
		if t.Signups, err = s.signups(ctx, t.ID); err != nil {
			return Task{}, err
		}
		return t, nil
	}
	if !CanSeeOwn(u) {
		return Task{}, errTaskNotFound
	}
	v, err := s.byPhone(ctx, s.db.R, u.Phone)
	if errs.Is(err, errs.NotFound) || (err == nil && v.CommunityCode != t.CommunityCode) {
		return Task{}, errTaskNotFound
	}
	if err != nil {
		return Task{}, err
	}
	err = s.db.R.QueryRowContext(ctx, `SELECT status FROM volunteer_signups WHERE task_id = $1 AND volunteer_id = $2`, t.ID, v.ID).Scan(&t.Mine)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Task{}, errs.Wrap(err, "her sign-up")
	}
	return t, nil
}

func (s *Service) signups(ctx context.Context, id string) ([]Signup, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT x.volunteer_id, v.name, x.phone, x.status, x.tenths, x.at, x.confirmed_at FROM volunteer_signups x
JOIN volunteers v ON v.id = x.volunteer_id WHERE x.task_id = $1 ORDER BY x.at, x.volunteer_id`, id)
	if err != nil {
		return nil, errs.Wrap(err, "sign-ups")
	}
	defer rows.Close()
	out := []Signup{}
	for rows.Next() {
		var x Signup
		var tenths, at int64
		var conf sql.NullInt64
		if err := rows.Scan(&x.VolunteerID, &x.Name, &x.Phone, &x.Status, &tenths, &at, &conf); err != nil {
			return nil, errs.Wrap(err, "scan sign-up")
		}
		x.Phone, x.Hours, x.At, x.ConfirmedAt = auth.MaskPhone(x.Phone), float64(tenths)/10, s.at(at), s.opt(conf)
		out = append(out, x)
	}
	return out, errs.Wrap(rows.Err(), "sign-ups")
}

// Tasks lists tasks for u: to a volunteer those of her community not yet
// begun (of the areas she serves first), with her own sign-up; to staff
// who manage volunteers those of their scope (area narrows it), from a day
// before now on.
func (s *Service) Tasks(ctx context.Context, u auth.User, area string, n int) ([]Task, error) {
	if n <= 0 || n > MaxList {
		n = DefaultList
	}
	now := s.clock.Now()
	mgr, err := s.manager(ctx, s.db.R, u)
	if err != nil {
		return nil, err
	}
	if mgr {
		if area == "" {
			area = u.AreaCode
		}
		if area != "" && !gov.ValidCode(area) {
			return nil, errArea
		}
		if !u.IsAdmin() && !u.InArea(area) {
			return nil, errs.ErrForbidden
		}
		lo, hi := gov.UnderRange(area)
		return s.queryTasks(ctx, `WHERE t.community_code >= $1 AND t.community_code < $2 AND t.starts_at >= $3 ORDER BY t.starts_at, t.id LIMIT $4`,
			`''`, lo, hi, db.Millis(now.Add(-24*time.Hour)), n)
	}
	if !CanSeeOwn(u) {
		return []Task{}, nil
	}
	v, err := s.byPhone(ctx, s.db.R, u.Phone)
	if errs.Is(err, errs.NotFound) {
		return []Task{}, nil
	}
	if err != nil {
		return nil, err
	}
	out, err := s.queryTasks(ctx, `WHERE t.community_code = $2 AND t.status = 'open' AND t.starts_at > $3 ORDER BY t.starts_at, t.id LIMIT $4`,
		`COALESCE((SELECT x.status FROM volunteer_signups x WHERE x.task_id = t.id AND x.volunteer_id = $1), '')`, v.ID, v.CommunityCode, db.Millis(now), n)
	if err != nil {
		return nil, err
	}
	// The areas she serves first, keeping the order of time within each.
	if len(v.Areas) > 0 {
		var near, rest []Task
		for _, t := range out {
			if serves(v.Areas, t.AreaCode) {
				near = append(near, t)
			} else {
				rest = append(rest, t)
			}
		}
		out = append(near, rest...)
	}
	return out, nil
}

func serves(areas []string, code string) bool {
	for _, a := range areas {
		if strings.HasPrefix(code, a) || strings.HasPrefix(a, code) {
			return true
		}
	}
	return false
}

// queryTasks lists tasks; mine is the column of the reader's sign-up.
func (s *Service) queryTasks(ctx context.Context, where, mine string, args ...any) ([]Task, error) {
	now := s.clock.Now()
	rows, err := s.db.R.QueryContext(ctx, `SELECT `+taskCols+`, `+mine+taskFrom+` `+where, args...)
	if err != nil {
		return nil, errs.Wrap(err, "list tasks")
	}
	defer rows.Close()
	out := []Task{}
	for rows.Next() {
		var t Task
		var starts, created int64
		if err := rows.Scan(&t.ID, &t.AreaCode, &t.AreaName, &t.CommunityCode, &t.OrgCode, &t.Title, &t.Place, &starts, &t.Places, &t.Taken, &t.Status, &created, &t.Mine); err != nil {
			return nil, errs.Wrap(err, "scan task")
		}
		t.StartsAt, t.CreatedAt = s.at(starts), s.at(created)
		t.Begun = !t.StartsAt.After(now)
		out = append(out, t)
	}
	return out, errs.Wrap(rows.Err(), "list tasks")
}

// SignUp signs u up for the task while it has places: the place is taken
// by a conditional update, so concurrent sign-ups never take more places
// than there are.
func (s *Service) SignUp(ctx context.Context, u auth.User, id string) (Task, error) {
	if !CanSeeOwn(u) {
		return Task{}, errs.New(errs.Forbidden, "请先用手机号登录", "sign in with your phone first")
	}
	now := s.clock.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		t, err := s.readTask(ctx, tx, id, false)
		if err != nil {
			return err
		}
		v, err := s.byPhone(ctx, tx, u.Phone)
		if errs.Is(err, errs.NotFound) {
			return errs.New(errs.Forbidden, "请先登记为志愿者，审核通过后再报名", "register as a volunteer and be approved before signing up")
		}
		if err != nil {
			return err
		}
		if !CanSignUp(v, t, now) {
			switch {
			case v.Status != StatusApproved:
				return errs.New(errs.Forbidden, "您的志愿者登记尚未通过审核", "your registration is not approved")
			case v.CommunityCode != t.CommunityCode:
				return errTaskNotFound
			case t.Status != TaskOpen:
				return errs.Conflictf("该任务已取消", "the task was cancelled")
			default:
				return errs.Conflictf("该任务已经开始，不能再报名", "the task has begun; sign-up is over")
			}
		}
		var st string
		err = tx.QueryRowContext(ctx, `SELECT status FROM volunteer_signups WHERE task_id = $1 AND volunteer_id = $2`, id, v.ID).Scan(&st)
		if err == nil && st != SignupWithdrawn {
			return errs.Conflictf("您已经报名了", "you are signed up already")
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return errs.Wrap(err, "read sign-up")
		}
		x, err := tx.ExecContext(ctx, `UPDATE volunteer_tasks SET taken = taken + 1 WHERE id = $1 AND status = 'open' AND taken < places`, id)
		if err != nil {
			return errs.Wrap(err, "take a place")
		}
		if k, _ := x.RowsAffected(); k == 0 {
			return errs.Conflictf("名额已满", "no places left")
		}
		if st == SignupWithdrawn {
			_, err = tx.ExecContext(ctx, `UPDATE volunteer_signups SET status = 'signed', at = $3 WHERE task_id = $1 AND volunteer_id = $2 AND status = 'withdrawn'`, id, v.ID, db.Millis(now))
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO volunteer_signups (task_id, volunteer_id, phone, status, at) VALUES ($1, $2, $3, 'signed', $4)`, id, v.ID, u.Phone, db.Millis(now))
		}
		if db.IsUnique(db.MapError(err)) {
			return errs.Conflictf("您已经报名了", "you are signed up already")
		}
		if err != nil {
			return errs.Wrap(err, "sign up")
		}
		return s.event(ctx, tx, id, u, "", "signup", map[string]any{"volunteer": v.ID}, now)
	})
	if err != nil {
		return Task{}, err
	}
	return s.Task(ctx, u, id)
}

// Withdraw takes u's sign-up back before the task begins; her place is
// free again.
func (s *Service) Withdraw(ctx context.Context, u auth.User, id string) (Task, error) {
	if !CanSeeOwn(u) {
		return Task{}, errs.ErrForbidden
	}
	now := s.clock.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		t, err := s.readTask(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if !t.StartsAt.After(now) {
			return errs.Conflictf("该任务已经开始，不能取消报名", "the task has begun; the sign-up stands")
		}
		x, err := tx.ExecContext(ctx, `UPDATE volunteer_signups SET status = 'withdrawn' WHERE task_id = $1 AND phone = $2 AND status = 'signed'`, id, u.Phone)
		if err != nil {
			return errs.Wrap(err, "withdraw")
		}
		if k, _ := x.RowsAffected(); k == 0 {
			return errs.Conflictf("您没有报名该任务", "you are not signed up")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE volunteer_tasks SET taken = taken - 1 WHERE id = $1 AND taken > 0`, id); err != nil {
			return errs.Wrap(err, "free a place")
		}
		return s.event(ctx, tx, id, u, "", "withdraw", nil, now)
	})
	if err != nil {
		return Task{}, err
	}
	return s.Task(ctx, u, id)
}

// ConfirmHours records the hours a volunteer served on a task once it has
// begun, by its organisers: hours > 0 earn points by the rules (an entry
// in the ledger, caused by the task), 0 records her absent. Once per
// sign-up.
func (s *Service) ConfirmHours(ctx context.Context, u auth.User, id, volunteerID string, hours float64) (Task, error) {
	if math.IsNaN(hours) || hours < 0 || hours*10 > MaxTenths {
		return Task{}, errs.Invalidf("服务时长须在0到%d小时之间", "hours must be 0 to %d", MaxTenths/10)
	}
	tenths := int64(math.Round(hours * 10))
	now := s.clock.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		t, err := s.readTask(ctx, tx, id, true)
		if err != nil {
			return err
		}
		mgr, err := s.manager(ctx, tx, u)
		if err != nil {
			return err
		}
		if !CanManage(u, mgr, t.CommunityCode) {
			return errs.New(errs.Forbidden, "只有发布任务的社区、街道的工作人员可以确认时长", "only the staff of the posting community confirm hours")
		}
		if t.StartsAt.After(now) {
			return errs.Conflictf("任务尚未开始，不能确认时长", "the task has not begun; hours cannot be confirmed yet")
		}
		var phone string
		err = tx.QueryRowContext(ctx, `SELECT phone FROM volunteer_signups WHERE task_id = $1 AND volunteer_id = $2 AND status = 'signed'`, id, volunteerID).Scan(&phone)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.Conflictf("该志愿者没有待确认的报名", "no sign-up of that volunteer waits for its hours")
		}
		if err != nil {
			return errs.Wrap(err, "read sign-up")
		}
		status := SignupConfirmed
		if tenths == 0 {
			status = SignupAbsent
		}
		x, err := tx.ExecContext(ctx, `UPDATE volunteer_signups SET status = $3, tenths = $4, confirmed_by = $5, confirmed_at = $6 WHERE task_id = $1 AND volunteer_id = $2 AND status = 'signed'`,
			id, volunteerID, status, tenths, u.ID, db.Millis(now))
		if err != nil {
			return errs.Wrap(err, "confirm hours")
		}
		if k, _ := x.RowsAffected(); k == 0 {
			return errs.Conflictf("该志愿者没有待确认的报名", "no sign-up of that volunteer waits for its hours")
		}
		points := s.rules.Hour * tenths / 10
		if err := s.event(ctx, tx, id, u, volunteerID, "hours", map[string]any{"volunteer": volunteerID, "hours": float64(tenths) / 10, "points": points}, now); err != nil {
			return err
		}
		if tenths == 0 {
			return nil
		}
		if points > 0 {
			if _, err := s.credit(ctx, tx, phone, points, CauseHours, id, u.ID, now); err != nil {
				return err
			}
		}
		return s.notify(ctx, tx, now, phone, "", fmt.Sprintf("志愿任务「%s」的服务时长已确认：%.1f小时，获得%d积分。", t.Title, float64(tenths)/10, points))
	})
	if err != nil {
		return Task{}, err
	}
	return s.Task(ctx, u, id)
}

// Cancel cancels a task before it begins; its volunteers are told.
func (s *Service) Cancel(ctx context.Context, u auth.User, id string) (Task, error) {
	now := s.clock.Now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		t, err := s.readTask(ctx, tx, id, true)
		if err != nil {
			return err
		}
		mgr, err := s.manager(ctx, tx, u)
		if err != nil {
			return err
		}
		if !CanManage(u, mgr, t.CommunityCode) {
			return errs.ErrForbidden
		}
		if t.Status != TaskOpen || !t.StartsAt.After(now) {
			return errs.Conflictf("只能取消尚未开始的任务", "only a task not yet begun is cancelled")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE volunteer_tasks SET status = 'cancelled' WHERE id = $1`, id); err != nil {
			return errs.Wrap(err, "cancel task")
		}
		rows, err := tx.QueryContext(ctx, `SELECT phone FROM volunteer_signups WHERE task_id = $1 AND status = 'signed'`, id)
		if err != nil {
			return errs.Wrap(err, "signed phones")
		}
		var phones []string
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				rows.Close()
				return errs.Wrap(err, "scan phone")
			}
			phones = append(phones, p)
		}
		rows.Close()
		for _, p := range phones {
			if err := s.notify(ctx, tx, now, p, "", "志愿任务「"+t.Title+"」已取消。"); err != nil {
				return err
			}
		}
		return s.event(ctx, tx, id, u, "", "cancel", nil, now)
	})
	if err != nil {
		return Task{}, err
	}
	return s.Task(ctx, u, id)
}

// Record is one of her sign-ups with its task, newest first: what she
// signed up for, and the hours confirmed.
type Record struct {
	TaskID   string    `json:"task_id"`
	Title    string    `json:"title"`
	StartsAt time.Time `json:"starts_at"`
	Status   string    `json:"status"`
	Hours    float64   `json:"hours"`
}

// Records are u's sign-ups, newest task first, and the hours she served
// in all (confirmed ones).
func (s *Service) Records(ctx context.Context, u auth.User, n int) ([]Record, float64, error) {
	if !CanSeeOwn(u) {
		return nil, 0, errs.ErrForbidden
	}
	if n <= 0 || n > MaxList {
		n = DefaultList
	}
	var total int64
	if err := s.db.R.QueryRowContext(ctx, `SELECT COALESCE(SUM(tenths), 0) FROM volunteer_signups WHERE phone = $1 AND status = 'confirmed'`, u.Phone).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "her hours")
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT t.id, t.title, t.starts_at, x.status, x.tenths FROM volunteer_signups x JOIN volunteer_tasks t ON t.id = x.task_id
WHERE x.phone = $1 AND x.status <> 'withdrawn' ORDER BY t.starts_at DESC, t.id LIMIT $2`, u.Phone, n)
	if err != nil {
		return nil, 0, errs.Wrap(err, "her sign-ups")
	}
	defer rows.Close()
	out := []Record{}
	for rows.Next() {
		var x Record
		var starts, tenths int64
		if err := rows.Scan(&x.TaskID, &x.Title, &starts, &x.Status, &tenths); err != nil {
			return nil, 0, errs.Wrap(err, "scan her sign-up")
		}
		x.StartsAt, x.Hours = s.at(starts), float64(tenths)/10
		out = append(out, x)
	}
	return out, float64(total) / 10, errs.Wrap(rows.Err(), "her sign-ups")
}

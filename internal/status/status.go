// Package status reports the health of an installation to the department
// that supervises it: version and uptime, the online rate of the last 30
// days, the last backup, background jobs that failed, migrations pending,
// staff accounts left dormant and features nobody used in a month.
package status

import (
	"context"
	"database/sql"
	"regexp"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/evaluation"
)

// Version is the running binary's version, set by the command at start.
var Version = "dev"

const (
	// OnlineDays is the period of the online rate.
	OnlineDays = 30
	// DormantDays without a session make a staff account dormant.
	DormantDays = 90
	// MaxDormant is the most dormant accounts listed.
	MaxDormant = 500
)

// Health gives the online rate of a period (evaluation's heartbeats).
type Health interface {
	HealthReport(ctx context.Context, p evaluation.Period) (evaluation.HealthReport, error)
}

// Service reads the status.
type Service struct {
	db      *db.DB
	clock   clock.Clock
	health  Health
	started time.Time
}

// NewService returns the service; the process's uptime counts from now.
func NewService(d *db.DB, c clock.Clock, h Health) *Service {
	return &Service{db: d, clock: c, health: h, started: c.Now()}
}

// Backup is the last backup recorded (gongzhi backup or upgrade-check).
type Backup struct {
	At     time.Time `json:"at"`
	Object string    `json:"object"`
	Detail string    `json:"detail"`
}

// Failed counts background jobs in a failed state.
type Failed struct {
	WebhookDeliveries  int64 `json:"webhook_deliveries"`
	CitylinkDeliveries int64 `json:"citylink_deliveries"`
}

// Status is the status page.
type Status struct {
	Version       string                  `json:"version"`
	Engine        string                  `json:"engine"`
	StartedAt     time.Time               `json:"started_at"`
	UptimeSeconds int64                   `json:"uptime_seconds"`
	SchemaVersion int64                   `json:"schema_version"`
	Online        evaluation.HealthReport `json:"online"`
	LastBackup    *Backup                 `json:"last_backup"`
	Failed        Failed                  `json:"failed"`
	Pending       []db.PendingMigration   `json:"pending_migrations"`
	Usage         Usage                   `json:"usage"`
}

var monthRE = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)

var (
	errForbidden = errs.New(errs.Forbidden, "只有管理员和监督人员可以查看系统状态", "only the administrator and supervisors read the system status")
	errMonth     = errs.New(errs.Invalid, "month 须为 YYYY-MM 格式", "month must be YYYY-MM")
)

// Read gives the status; month (YYYY-MM, business time) chooses the month of
// the features' use, the last complete month when empty.
func (s *Service) Read(ctx context.Context, actor auth.User, month string) (Status, error) {
	if !CanRead(actor) {
		return Status{}, errForbidden
	}
	if month != "" && !monthRE.MatchString(month) {
		return Status{}, errMonth
	}
	now := s.clock.Now()
	st := Status{Version: Version, Engine: s.db.Engine, StartedAt: s.started, UptimeSeconds: int64(now.Sub(s.started).Seconds())}
	var err error
	if st.SchemaVersion, err = s.db.SchemaVersion(ctx); err != nil {
		return st, errs.Wrap(err, "status")
	}
	if s.health != nil {
		if st.Online, err = s.health.HealthReport(ctx, evaluation.Period{From: now.AddDate(0, 0, -OnlineDays), To: now}); err != nil {
			return st, err
		}
	}
	if st.LastBackup, err = s.lastBackup(ctx); err != nil {
		return st, err
	}
	if st.Failed, err = s.failed(ctx); err != nil {
		return st, err
	}
	if st.Pending, err = s.db.Pending(ctx); err != nil {
		return st, errs.Wrap(err, "status")
	}
	st.Usage, err = s.usage(ctx, now, month)
	return st, err
}

func (s *Service) lastBackup(ctx context.Context) (*Backup, error) {
	var at int64
	var b Backup
	err := s.db.R.QueryRowContext(ctx, `SELECT at, object, detail FROM audit_log WHERE action = $1 ORDER BY at DESC LIMIT 1`, auth.AuditBackup).Scan(&at, &b.Object, &b.Detail)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, errs.Wrap(err, "status")
	}
	b.At = time.UnixMilli(at)
	return &b, nil
}

func (s *Service) failed(ctx context.Context) (Failed, error) {
	var f Failed
	err := s.db.R.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'failed'),
(SELECT COUNT(*) FROM citylink_deliveries WHERE status = 'failed')`).Scan(&f.WebhookDeliveries, &f.CitylinkDeliveries)
	if err != nil {
		return f, errs.Wrap(err, "status")
	}
	return f, nil
}

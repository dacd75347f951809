package insight

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// ParseTrainAt reads the nightly training's time of day in business time,
// "HH:MM", or "off" (or empty).
func ParseTrainAt(s string) (minute int, on bool, err error) {
	if s == "off" || s == "" {
		return 0, false, nil
	}
	h, m, ok := strings.Cut(s, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, false, fmt.Errorf("insight-train-at: want HH:MM or off, not %q", s)
	}
	return hh*60 + mm, true, nil
}

// SetTrainAt sets when the router is trained each day (minutes after
// midnight, business time); on false never by itself.
func (s *Service) SetTrainAt(minute int, on bool) { s.trainAt, s.trainOn = minute, on }

// TrainAt is the nightly training's time, "HH:MM", or "" when off.
func (s *Service) TrainAt() string {
	if !s.trainOn {
		return ""
	}
	return fmt.Sprintf("%02d:%02d", s.trainAt/60, s.trainAt%60)
}

// Run serves the router until ctx ends: it loads the newest model at start
// and every minute (so every process serves the same one), records what
// intake chose, and trains once a day at the set time — one process of the
// installation, the one that claims the day.
func (s *Service) Run(ctx context.Context) {
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	s.step(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case in := <-s.intake:
			if err := s.record(ctx, in); err != nil && ctx.Err() == nil {
				s.log.Error("record routing", "ticket", in.Number, "err", err)
			}
		case <-tick.C:
			s.step(ctx)
		}
	}
}

func (s *Service) step(ctx context.Context) {
	if err := s.Reload(ctx); err != nil && ctx.Err() == nil {
		s.log.Error("load router", "err", err)
	}
	if n := atomic.SwapInt64(&s.dropped, 0); n > 0 {
		s.log.Warn("routing records dropped: the queue was full", "count", n)
	}
	if !s.trainOn {
		return
	}
	now := s.clock.Now().In(clock.BusinessZone())
	if now.Hour()*60+now.Minute() < s.trainAt {
		return
	}
	claimed, err := s.claimDay(ctx, now.Format("2006-01-02"))
	if err != nil || !claimed {
		if err != nil && ctx.Err() == nil {
			s.log.Error("claim the router's training", "err", err)
		}
		return
	}
	if _, err := s.Train(ctx, auth.System()); err != nil && ctx.Err() == nil {
		if errs.Is(err, errs.Invalid) {
			s.log.Info("router not trained", "why", err)
		} else {
			s.log.Error("train router", "err", err)
		}
	}
}

// claimDay marks the day's training as taken; true for the one caller that
// marked it first.
func (s *Service) claimDay(ctx context.Context, day string) (bool, error) {
	res, err := s.db.W.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('insight.train_day', $1)
ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE settings.value < excluded.value`, day)
	if err != nil {
		return false, errs.Wrap(err, "claim training")
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

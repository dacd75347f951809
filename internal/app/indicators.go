package app

import (
	"context"
	"time"

	"github.com/gongzhi/gongzhi/internal/indicator"
	"github.com/gongzhi/gongzhi/internal/kiosk"
)

// newIndicators builds the indicator catalogue's service on the tickets'
// working calendar, counting participation from the same sources as the
// evaluation's participation indicators.
func newIndicators(a *App) *indicator.Service {
	s := indicator.NewService(a.DB, a.Clock, a.Tickets.Calendar().WorkingDuration)
	var acts []indicator.ActSource
	for _, src := range participationSources(a).Acts {
		acts = append(acts, func(ctx context.Context, from, to time.Time) ([]string, error) {
			got, err := src(ctx, from, to)
			if err != nil {
				return nil, err
			}
			phones := make([]string, len(got))
			for i, act := range got {
				phones[i] = act.Phone
			}
			return phones, nil
		})
	}
	s.SetActs(acts)
	s.SetTerminals(terminalShare(a.Kiosk))
	return s
}

// terminalShare lets the platform's online rate count the self-service
// terminals: their share of terminal-minutes online in the month and area,
// none when the area had no terminal registered.
func terminalShare(k *kiosk.Service) indicator.TerminalShare {
	if k == nil {
		return nil
	}
	return func(ctx context.Context, month time.Time, area string) (float64, bool, error) {
		share, n, err := k.OnlineShareIn(ctx, month, area)
		return share, n > 0, err
	}
}

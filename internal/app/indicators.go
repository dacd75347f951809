package app

import (
	"context"
	"io"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
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

// IndicatorReportHTML is the yearly self-assessment report as a document of
// its own (its style inlined), computed as the system: for an operator at
// the command line, who prints it to PDF with a browser.
func (a *App) IndicatorReportHTML(ctx context.Context, year int, lang string) ([]byte, error) {
	return a.web.IndicatorReport(ctx, auth.System(), year, lang)
}

// IndicatorYearXLSX writes the yearly workbook, computed as the system.
func (a *App) IndicatorYearXLSX(ctx context.Context, w io.Writer, year int) error {
	months, err := a.Indicators.Year(ctx, auth.System(), year)
	if err != nil {
		return err
	}
	settings, err := a.Indicators.Settings(ctx)
	if err != nil {
		return err
	}
	return indicator.WriteYear(w, year, months, settings)
}

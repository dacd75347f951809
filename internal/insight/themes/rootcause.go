package themes

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/rootcause"
)

// The root-cause record (根源分析) of a monthly theme, kept under the
// theme's month and label (rootcause.ThemeKey), as a proposal keeps them:
// those who see the theme read it, those who may rectify it (CanRectify)
// write it.

// RootCause reads the record of the theme id of month and its earlier
// versions, newest first (none when none is written). The theme must be
// among u's themes of the month.
func (s *Service) RootCause(ctx context.Context, u auth.User, month, id string) (Theme, []rootcause.Record, error) {
	t, m, err := s.Theme(ctx, u, month, id)
	if err != nil {
		return Theme{}, nil, err
	}
	h, err := rootcause.New(s.db, s.clock).History(ctx, rootcause.KindTheme, rootcause.ThemeKey(m.Month, t.Label))
	return t, h, err
}

// SetRootCause writes the record of the theme id of month as u.
func (s *Service) SetRootCause(ctx context.Context, u auth.User, month, id string, in rootcause.Input) (rootcause.Record, error) {
	if !CanRectify(u) {
		return rootcause.Record{}, errs.ErrForbidden
	}
	t, m, err := s.Theme(ctx, u, month, id)
	if err != nil {
		return rootcause.Record{}, err
	}
	return rootcause.New(s.db, s.clock).Save(ctx, u, rootcause.KindTheme, rootcause.ThemeKey(m.Month, t.Label), in)
}

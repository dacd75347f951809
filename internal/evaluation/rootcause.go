package evaluation

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/rootcause"
)

// The root-cause record (根源分析) of a rectification task: those who see
// the task read it, those who set tasks (CanSetRects) write it.

var errNotRootCause = errs.New(errs.Forbidden, "只有督办人员和管理员可以填写根源分析", "only supervisors and the administrator write the root-cause record")

// CanWriteRectRootCause reports whether u may write the root-cause record
// of a task she sees.
func CanWriteRectRootCause(u auth.User) bool { return CanSetRects(u) }

// RectRootCause reads the record of task id and its earlier versions
// (newest first; none when none is written); a task u may not see is not
// found.
func (s *Service) RectRootCause(ctx context.Context, u auth.User, id string) ([]rootcause.Record, error) {
	if _, err := s.Rectification(ctx, u, id); err != nil {
		return nil, err
	}
	return rootcause.New(s.db, s.clock).History(ctx, rootcause.KindRectification, id)
}

// SetRectRootCause writes the record of task id as u.
func (s *Service) SetRectRootCause(ctx context.Context, u auth.User, id string, in rootcause.Input) (rootcause.Record, error) {
	if _, err := s.Rectification(ctx, u, id); err != nil {
		return rootcause.Record{}, err
	}
	if !CanWriteRectRootCause(u) {
		return rootcause.Record{}, errNotRootCause
	}
	return rootcause.New(s.db, s.clock).Save(ctx, u, rootcause.KindRectification, id, in)
}

package indicator

import (
	"context"
	"time"
)

// SetTrained sets where the share of staff trained is read from (the
// training capability; app wires it). Unset, the indicator has no value.
func (s *Service) SetTrained(f func(ctx context.Context, month time.Time) (*float64, error)) {
	s.trained = f
}

// staffTrained is the share of staff trained as of the month starting at
// from.
func (s *Service) staffTrained(ctx context.Context, from time.Time) (*float64, error) {
	if s.trained == nil {
		return nil, nil
	}
	return s.trained(ctx, from)
}

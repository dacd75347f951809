package transfer

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/natcode"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// ListOption adds to a list export what its caller has at hand.
type ListOption func(*listOptions)

type listOptions struct {
	national *natcode.Service
}

// WithNational fills the list export's national-code columns (国标事件类代码,
// 国标部件类代码, 单元网格代码) from the district's mapping; n may be nil,
// and then they stay empty.
func WithNational(n *natcode.Service) ListOption {
	return func(o *listOptions) { o.national = n }
}

// withNational returns row with the national columns filled in: the
// category's event and component classes as they apply (its own or its
// nearest ancestor's) and the unit-grid code of the cell the ticket's area
// is or lies in. Without the service the columns stay empty.
func withNational(ctx context.Context, row func(ticket.Ticket) []string, opts []ListOption) (func(ticket.Ticket) []string, error) {
	var o listOptions
	for _, f := range opts {
		f(&o)
	}
	var l *natcode.Lookup
	if o.national != nil {
		var err error
		if l, err = o.national.Lookup(ctx); err != nil {
			return nil, err
		}
	}
	return func(t ticket.Ticket) []string {
		r := row(t)
		if l == nil {
			return append(r, "", "", "")
		}
		return append(r, l.EventCode(t.CategoryCode), l.ComponentCode(t.CategoryCode), l.GridCode(t.AreaCode))
	}, nil
}

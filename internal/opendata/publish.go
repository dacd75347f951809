package opendata

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// published reads which datasets are switched off (a dataset without a
// row is published).
func (s *Service) published(ctx context.Context, q db.Queryer) (map[string]bool, error) {
	out := map[string]bool{}
	for _, id := range IDs {
		out[id] = true
	}
	rows, err := q.QueryContext(ctx, `SELECT id, published FROM opendata_datasets`)
	if err != nil {
		return nil, errs.Wrap(err, "open data publication")
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var on bool
		if err := rows.Scan(&id, &on); err != nil {
			return nil, errs.Wrap(err, "open data publication")
		}
		if _, ok := out[id]; ok {
			out[id] = on
		}
	}
	return out, errs.Wrap(rows.Err(), "open data publication")
}

// build computes the dataset's rows, or returns them from the cache.
func (s *Service) build(ctx context.Context, id string) (Table, error) {
	now := s.clock.Now()
	s.mu.Lock()
	c, ok := s.cache[id]
	s.mu.Unlock()
	if ok && now.Sub(c.at) < CacheFor && !now.Before(c.at) {
		return c.t, nil
	}
	var t Table
	var err error
	switch id {
	case TicketStats:
		t, err = s.ticketStats(ctx)
	case Evaluation:
		t, err = s.evaluationFigures(ctx)
	case ServicePoints:
		t, err = s.servicePoints(ctx)
	case Proposals:
		t, err = s.proposalRows(ctx)
	default:
		return Table{}, errNoSet
	}
	if err != nil {
		return Table{}, err
	}
	if t.Records == nil {
		t.Records = [][]any{}
	}
	d, _ := definition(id)
	d.Modified, d.Rows = t.Modified, len(t.Records)
	t.Dataset = d
	s.mu.Lock()
	s.cache[id] = cached{t: t, at: now}
	s.mu.Unlock()
	return t, nil
}

// Forget drops the computed datasets, so the next read computes them anew.
func (s *Service) Forget() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cache = map[string]cached{}
}

// Catalogue lists the datasets u may see: the published ones, and for the
// administrator every one, each with whether it is published.
func (s *Service) Catalogue(ctx context.Context, u auth.User) ([]Dataset, error) {
	on, err := s.published(ctx, s.db.R)
	if err != nil {
		return nil, err
	}
	out := []Dataset{}
	for _, id := range IDs {
		if !CanRead(u, on[id]) {
			continue
		}
		t, err := s.build(ctx, id)
		if err != nil {
			return nil, err
		}
		d := t.Dataset
		d.Published = on[id]
		out = append(out, d)
	}
	return out, nil
}

// Table returns the dataset with its rows, if u may read it: published, or
// u the administrator. A dataset not published is not found.
func (s *Service) Table(ctx context.Context, u auth.User, id string) (Table, error) {
	if _, ok := definitions[id]; !ok {
		return Table{}, errNoSet
	}
	on, err := s.published(ctx, s.db.R)
	if err != nil {
		return Table{}, err
	}
	if !CanRead(u, on[id]) {
		return Table{}, errNoSet
	}
	t, err := s.build(ctx, id)
	if err != nil {
		return Table{}, err
	}
	t.Published = on[id]
	return t, nil
}

// Page is one page of a dataset's rows, each an object of its fields.
type Page struct {
	Dataset string           `json:"dataset"`
	Page    int              `json:"page"`
	PerPage int              `json:"per_page"`
	Total   int              `json:"total"`
	Pages   int              `json:"pages"`
	Items   []map[string]any `json:"items"`
}

// CheckPage refuses a page or a page size out of bounds; zero is the
// first page and the default size.
func CheckPage(page, perPage int) (int, int, error) {
	if page == 0 {
		page = 1
	}
	if perPage == 0 {
		perPage = DefaultPerPage
	}
	if page < 1 || page > 1000000 {
		return 0, 0, errs.Invalidf("page 须为正整数", "page must be a positive whole number")
	}
	if perPage < 1 || perPage > MaxPerPage {
		return 0, 0, errs.Invalidf("per_page 须为1到%d", "per_page must be 1 to %d", MaxPerPage)
	}
	return page, perPage, nil
}

// PageOf returns a page of the dataset's rows for u; a page past the last
// is empty.
func (s *Service) PageOf(ctx context.Context, u auth.User, id string, page, perPage int) (Page, error) {
	page, perPage, err := CheckPage(page, perPage)
	if err != nil {
		return Page{}, err
	}
	t, err := s.Table(ctx, u, id)
	if err != nil {
		return Page{}, err
	}
	total := len(t.Records)
	out := Page{Dataset: id, Page: page, PerPage: perPage, Total: total, Pages: (total + perPage - 1) / perPage, Items: []map[string]any{}}
	for i := (page - 1) * perPage; i < total && i < page*perPage; i++ {
		out.Items = append(out.Items, t.Object(i))
	}
	return out, nil
}

// Object is the i-th row as an object of its fields.
func (t Table) Object(i int) map[string]any {
	m := make(map[string]any, len(t.Fields))
	for j, f := range t.Fields {
		m[f.Name] = t.Records[i][j]
	}
	return m
}

// Publication is a dataset's switch.
type Publication struct {
	ID        string    `json:"id"`
	Published bool      `json:"published"`
	UpdatedBy string    `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
}

// SetPublished publishes or withdraws a dataset as u: the administrator
// only. The switch, its event and its audit entry are one transaction;
// setting what is already set changes nothing and writes nothing.
func (s *Service) SetPublished(ctx context.Context, u auth.User, id string, on bool) (Publication, error) {
	if !CanSwitch(u) {
		return Publication{}, errSwitch
	}
	if _, ok := definitions[id]; !ok {
		return Publication{}, errNoSet
	}
	now := s.clock.Now()
	out := Publication{ID: id, Published: on, UpdatedBy: u.ID, UpdatedAt: now.In(s.loc)}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var was bool
		var by string
		var at int64
		err := tx.QueryRowContext(ctx, `SELECT published, updated_by, updated_at FROM opendata_datasets WHERE id = $1`, id).Scan(&was, &by, &at)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			was = true
		case err != nil:
			return errs.Wrap(err, "open data publication")
		}
		if err == nil && was == on {
			out.UpdatedBy, out.UpdatedAt = by, time.UnixMilli(at).In(s.loc)
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO opendata_datasets (id, published, updated_by, updated_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (id) DO UPDATE SET published = excluded.published, updated_by = excluded.updated_by, updated_at = excluded.updated_at`, id, on, u.ID, db.Millis(now)); err != nil {
			return errs.Wrap(err, "open data publication")
		}
		kind := "withdraw"
		if on {
			kind = "publish"
		}
		if err := db.AppendEvent(ctx, tx, db.Event{Table: "opendata_events", KeyColumn: "dataset_id", Key: id, At: now, Actor: u.ID, Kind: kind,
			Detail: map[string]any{"published": on}}); err != nil {
			return err
		}
		return auth.AuditTx(ctx, tx, now, u, auth.AuditOpenData, "opendata:"+id, fmt.Sprintf("published=%t", on))
	})
	return out, err
}

// Event is one switch of a dataset.
type Event struct {
	Seq   int       `json:"seq"`
	At    time.Time `json:"at"`
	Actor string    `json:"actor"`
	Kind  string    `json:"kind"`
}

// Events lists a dataset's switches, the newest first (at most 100), for
// the administrator.
func (s *Service) Events(ctx context.Context, u auth.User, id string) ([]Event, error) {
	if !CanSwitch(u) {
		return nil, errSwitch
	}
	if _, ok := definitions[id]; !ok {
		return nil, errNoSet
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT seq, at, actor, kind FROM opendata_events WHERE dataset_id = $1 ORDER BY seq DESC LIMIT 100`, id)
	if err != nil {
		return nil, errs.Wrap(err, "open data events")
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		var at int64
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Kind); err != nil {
			return nil, errs.Wrap(err, "open data events")
		}
		e.At = time.UnixMilli(at).In(s.loc)
		out = append(out, e)
	}
	return out, errs.Wrap(rows.Err(), "open data events")
}

package transfer

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/ticket"

	"github.com/gongzhi/gongzhi/internal/clock"
)

// Tickets is what an import needs of the ticket service, *ticket.Service:
// the unit the dispatch catalogue names for a category and an area, which
// records were imported before, and the one writer of imported tickets.
type Tickets interface {
	SuggestOrg(ctx context.Context, categoryCode, areaCode string) (string, error)
	Imported(ctx context.Context, source string, ids []string) (map[string]bool, error)
	ImportBatch(ctx context.Context, actor auth.User, batch []ticket.ImportTicket) (ticket.ImportResult, error)
}

// ImportOptions say what to import and how.
type ImportOptions struct {
	File    string
	Format  string
	Mapping Mapping
	// Rejects is the CSV file every rejected row is written to; empty means
	// File + ".rejects.csv".
	Rejects string
	DryRun  bool
	// Progress gets a line rewritten with \r as rows are read; nil for none.
	Progress io.Writer
	// BatchSize is how many records go into one transaction (default 1000).
	BatchSize int
	Now       time.Time // rows created after Now are rejected; zero means time.Now()
}

// ImportStats tell what an import did.
type ImportStats struct {
	Read            int            `json:"read"`
	Imported        int            `json:"imported"` // written (or, in a dry run, that would be)
	AlreadyImported int            `json:"already_imported"`
	Rejected        int            `json:"rejected"`
	Reasons         map[string]int `json:"reasons"` // rejected rows by reason
	Statuses        map[string]int `json:"statuses"`
	RejectsFile     string         `json:"rejects_file"`
	Duration        time.Duration  `json:"duration"`
}

// RowsPerSecond is the throughput over every row read.
func (s ImportStats) RowsPerSecond() float64 {
	if s.Duration <= 0 {
		return 0
	}
	return float64(s.Read) / s.Duration.Seconds()
}

// rejection is one row that was not imported.
type rejection struct {
	code, reason string
}

func reject(code, format string, a ...any) *rejection {
	return &rejection{code: code, reason: fmt.Sprintf(format, a...)}
}

// pending is a record mapped to a ticket, waiting for its number.
type pending struct {
	externalID string
	kind       string
	status     ticket.Status
	entry      ticket.Status // status after the import event
	category   string
	area       string
	desc       string
	address    string
	lat, lng   float64
	hasLoc     bool
	org        string
	createdAt  int64
	updatedAt  int64
	closedAt   int64 // when status is closed or invalid
	reply      string
	invalid    string
	note       string
}

type importer struct {
	d       *db.DB
	tickets Tickets
	opt     ImportOptions
	m       Mapping
	srcLoc  *time.Location
	loc     *time.Location
	now     time.Time

	types, statuses, agencies, kinds map[string]string // lower-cased keys, for a second look
	routes                           map[string]string // category → org by the catalogue
	seen                             map[string]bool   // external ids of this run not yet committed
	rejects                          *csv.Writer
	stats                            ImportStats
	started, lastShown               time.Time
}

// ImportTickets reads opt.File and writes its records as tickets, in batches
// of one transaction each. Rows that cannot be imported are written to the
// rejects file with their row number and reason; rows imported before (same
// source and external id) are skipped.
func ImportTickets(ctx context.Context, d *db.DB, tickets Tickets, opt ImportOptions) (ImportStats, error) {
	m := opt.Mapping
	if opt.BatchSize <= 0 {
		opt.BatchSize = 1000
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if opt.Rejects == "" {
		opt.Rejects = opt.File + ".rejects.csv"
	}
	srcLoc, err := time.LoadLocation(m.TimeZone)
	if err != nil {
		return ImportStats{}, fmt.Errorf("mapping time_zone: %w", err)
	}
	if err := checkCodes(ctx, d, m); err != nil {
		return ImportStats{}, err
	}
	f, err := os.Open(opt.File)
	if err != nil {
		return ImportStats{}, err
	}
	defer f.Close()
	var rr recordReader
	switch opt.Format {
	case FormatOpen311:
		rr, err = newOpen311Reader(f)
	case FormatNYC311, FormatLA311, FormatCSV:
		rr, err = newCSVReader(f, m.Columns, opt.Format)
	default:
		return ImportStats{}, fmt.Errorf("unknown format %q: use one of %s", opt.Format, strings.Join(Formats, ", "))
	}
	if err != nil {
		return ImportStats{}, fmt.Errorf("%s: %w", opt.File, err)
	}
	rf, err := os.Create(opt.Rejects)
	if err != nil {
		return ImportStats{}, fmt.Errorf("rejects file: %w", err)
	}
	defer rf.Close()
	rf.WriteString("\uFEFF")
	im := &importer{d: d, tickets: tickets, opt: opt, m: m, srcLoc: srcLoc, loc: clock.BusinessZone(), now: opt.Now,
		types: lower(m.Categories), statuses: lower(m.Statuses), agencies: lower(m.Agencies), kinds: lower(m.Kinds), routes: map[string]string{},
		seen: map[string]bool{}, rejects: csv.NewWriter(rf), started: time.Now(),
		stats: ImportStats{Reasons: map[string]int{}, Statuses: map[string]int{}, RejectsFile: opt.Rejects}}
	im.rejects.Write([]string{"row", "line", "external_id", "reason"})
	err = im.run(ctx, rr)
	im.rejects.Flush()
	if ferr := im.rejects.Error(); ferr != nil && err == nil {
		err = fmt.Errorf("rejects file: %w", ferr)
	}
	im.stats.Duration = time.Since(im.started)
	im.show(true)
	return im.stats, err
}

func lower(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[strings.ToLower(strings.TrimSpace(k))] = v
	}
	return out
}

// lookup finds key in exact, then case- and space-insensitively.
func lookup(exact, lowered map[string]string, key string) (string, bool) {
	if v, ok := exact[key]; ok {
		return v, true
	}
	v, ok := lowered[strings.ToLower(strings.TrimSpace(key))]
	return v, ok
}

// checkCodes makes sure the codes a mapping names exist, before any row is read.
func checkCodes(ctx context.Context, d *db.DB, m Mapping) error {
	cats, orgs := m.codes()
	var missing []string
	label := map[string]string{"areas": "area", "categories": "category", "orgs": "org"}
	exists := func(table, code string) error {
		var n int
		if err := d.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE code = $1`, code).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			missing = append(missing, label[table]+" "+code)
		}
		return nil
	}
	sort.Strings(cats)
	sort.Strings(orgs)
	if err := exists("areas", m.DefaultAreaCode); err != nil {
		return err
	}
	for _, c := range cats {
		if err := exists("categories", c); err != nil {
			return err
		}
	}
	for _, o := range orgs {
		if err := exists("orgs", o); err != nil {
			return err
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("the mapping names codes this database does not have: %s (load the demo district with `gongzhi serve --demo`, or fix the mapping)",
			strings.Join(missing, ", "))
	}
	return nil
}

func (im *importer) run(ctx context.Context, rr recordReader) error {
	batch := make([]pending, 0, im.opt.BatchSize)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		r, err := rr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		im.stats.Read++
		p, rej := im.convert(ctx, r)
		if rej != nil {
			im.rejected(r, rej)
		} else if im.seen[p.externalID] {
			im.stats.AlreadyImported++
		} else {
			im.seen[p.externalID] = true
			batch = append(batch, p)
		}
		if len(batch) == im.opt.BatchSize {
			if err := im.flush(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
		im.show(false)
	}
	if len(batch) > 0 {
		return im.flush(ctx, batch)
	}
	return nil
}

func (im *importer) rejected(r record, rej *rejection) {
	im.stats.Rejected++
	im.stats.Reasons[rej.code]++
	line := ""
	if r.line > 0 {
		line = strconv.Itoa(r.line)
	}
	im.rejects.Write(csvCells([]string{strconv.Itoa(r.row), line, r.id, rej.reason}))
}

// show rewrites the progress line at most four times a second, and for good
// at the end.
func (im *importer) show(final bool) {
	if im.opt.Progress == nil || !final && time.Since(im.lastShown) < 250*time.Millisecond {
		return
	}
	im.lastShown = time.Now()
	el := time.Since(im.started).Seconds()
	rate := 0.0
	if el > 0 {
		rate = float64(im.stats.Read) / el
	}
	verb := "imported"
	if im.opt.DryRun {
		verb = "would import"
	}
	fmt.Fprintf(im.opt.Progress, "\rimport: %d rows read, %d %s, %d already imported, %d rejected  %.0f rows/s   ",
		im.stats.Read, im.stats.Imported, verb, im.stats.AlreadyImported, im.stats.Rejected, rate)
	if final {
		fmt.Fprintln(im.opt.Progress)
	}
}

// parseTime reads a source time: RFC 3339 with its zone, or the mapping's
// layout in the source's zone.
func (im *importer) parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.ParseInLocation(im.m.TimeFormat, s, im.srcLoc)
}

// clip stores a text as any ticket text is stored (ticket.CleanText), at
// most n characters long.
func clip(s string, n int) string {
	s = ticket.CleanText(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// coord reads a coordinate; out-of-range, zero or unreadable ones are dropped
// (the address text is kept), not invented.
func coord(s string, limit float64) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.Abs(v) > limit || v == 0 {
		return 0, false
	}
	return v, true
}

// flush writes a batch in one transaction (write): the records imported
// before are dropped, the others numbered from the day counters and written
// with their events and their sources.
func (im *importer) flush(ctx context.Context, batch []pending) error {
	if im.opt.DryRun {
		// Nothing is committed, so the ids of this run stay in im.seen.
		fresh, err := im.fresh(ctx, batch)
		if err != nil {
			return err
		}
		im.count(batch, fresh)
		return nil
	}
	fresh, err := im.write(ctx, batch)
	if err != nil {
		return err
	}
	im.count(batch, fresh)
	// Committed: the next batches find these ids in ticket_sources.
	clear(im.seen)
	return nil
}

func (im *importer) count(batch, fresh []pending) {
	im.stats.Imported += len(fresh)
	im.stats.AlreadyImported += len(batch) - len(fresh)
	for i := range fresh {
		im.stats.Statuses[string(fresh[i].status)]++
	}
}

// fresh returns the records of batch not imported before.
func (im *importer) fresh(ctx context.Context, batch []pending) ([]pending, error) {
	ids := make([]string, len(batch))
	for i := range batch {
		ids[i] = batch[i].externalID
	}
	done, err := im.tickets.Imported(ctx, im.m.Source, ids)
	if err != nil {
		return nil, err
	}
	if len(done) == 0 {
		return batch, nil
	}
	out := make([]pending, 0, len(batch)-len(done))
	for _, p := range batch {
		if !done[p.externalID] {
			out = append(out, p)
		}
	}
	return out, nil
}

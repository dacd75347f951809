package seed

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/gongzhi/gongzhi/internal/ticket"

	"github.com/gongzhi/gongzhi/internal/clock"
)

// batch is what the generator hands the writer.
type batch struct {
	tickets []ticket.ImportTicket
	events  []ticket.ImportEvent // the tickets' Events are slices of it
}

// batchTickets is how many tickets go to one ticket.ImportBatch, one
// transaction.
const batchTickets = 5000

// day is one business day of the period and the tickets it gets.
type day struct {
	key     string // YYYYMMDD in Asia/Shanghai
	start   int64  // midnight, Unix ms
	end     int64  // the next midnight, or now for today
	count   int
	heating bool // in the heating season (15 November to 15 March)
}

type actor struct{ id, name, role string }

type generator struct {
	cat        *catalogue
	rng        *rand.Rand
	now        int64
	days       []day
	catCum     []float64 // cumulative category weights, outside the heating season
	catCumHeat []float64
	areaCum    []float64
	areaPlace  []string
	areaCenter [][2]float64
	hourCum    [24]float64
	statuses   map[string]int64
	agent      actor
	dispatcher actor
	grid       actor
	handlers   map[string]actor
}

// hourWeights is the rhythm of a day at a 12345 centre: quiet at night,
// peaks mid-morning and mid-afternoon.
var hourWeights = [24]float64{0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.6, 1.5, 3.5, 5, 5, 4.5, 3, 3.5, 4.5, 4.5, 4, 3.5, 2.5, 2.5, 2, 1.5, 1, 0.6}

// weekdayWeights: Mondays bring the weekend's problems, weekends are quieter.
var weekdayWeights = [7]float64{time.Sunday: 0.65, time.Monday: 1.15, time.Tuesday: 1.0, time.Wednesday: 1.0, time.Thursday: 1.0, time.Friday: 0.95, time.Saturday: 0.7}

func cumulative(ws []float64) []float64 {
	out := make([]float64, len(ws))
	sum := 0.0
	for i, w := range ws {
		sum += w
		out[i] = sum
	}
	return out
}

func draw(r *rand.Rand, cum []float64) int {
	x := r.Float64() * cum[len(cum)-1]
	i, _ := slices.BinarySearch(cum, x)
	if i >= len(cum) {
		i = len(cum) - 1
	}
	return i
}

func newGenerator(c *catalogue, opt Options) *generator {
	g := &generator{cat: c, rng: rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15)), now: opt.Now.UnixMilli(), statuses: map[string]int64{}}
	loc := clock.BusinessZone()
	ws, wsHeat := make([]float64, len(c.cats)), make([]float64, len(c.cats))
	for i, ct := range c.cats {
		w := 1.0
		if t, ok := texts[ct.Code]; ok {
			w = t.weight
		}
		ws[i], wsHeat[i] = w, w
		if ct.Code == "0403" { // heating: a winter matter
			ws[i], wsHeat[i] = w*0.1, w*3
		}
	}
	g.catCum, g.catCumHeat = cumulative(ws), cumulative(wsHeat)
	aw := make([]float64, len(c.areas))
	g.areaPlace = make([]string, len(c.areas))
	g.areaCenter = make([][2]float64, len(c.areas))
	for i, a := range c.areas {
		aw[i] = 3 // urban communities call more than villages
		if isVillage(a.Name) {
			aw[i] = 1
		}
		g.areaPlace[i] = placeName(a.Name)
		// A stable point per community inside 平谷区 (about 40.05–40.30 N,
		// 116.95–117.35 E), from its code.
		h := uint64(14695981039346656037)
		for _, b := range []byte(a.Code) {
			h = (h ^ uint64(b)) * 1099511628211
		}
		g.areaCenter[i] = [2]float64{40.05 + float64(h%1000)/1000*0.25, 116.95 + float64((h/1000)%1000)/1000*0.40}
	}
	g.areaCum = cumulative(aw)
	g.hourCum = [24]float64(cumulative(hourWeights[:]))

	g.agent = actor{c.users["demo-agent"], "demo-agent", "agent"}
	g.dispatcher = actor{c.users["demo-dispatcher"], "demo-dispatcher", "dispatcher"}
	g.grid = actor{c.users["demo-grid"], "demo-grid", "grid_worker"}
	g.handlers = map[string]actor{}
	for _, u := range []struct{ name, org string }{{"demo-handler", "110117001-SO"}, {"demo-handler-dept", "110117-D01"}} {
		if id, ok := c.users[u.name]; ok {
			g.handlers[u.org] = actor{id, u.name, "handler"}
		}
	}

	// The days of the period and how many tickets each gets.
	now := opt.Now.In(loc)
	first := now.AddDate(0, -opt.Months, 0)
	d0 := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, loc)
	var weights []float64
	for d := d0; d.Before(now); d = d.AddDate(0, 0, 1) {
		next := d.AddDate(0, 0, 1)
		end := next
		w := weekdayWeights[d.Weekday()]
		w *= 1 + 0.15*math.Sin(2*math.Pi*float64(d.YearDay()-110)/365) // a summer peak: rain, heat, noise
		w *= 0.9 + 0.2*g.rng.Float64()
		if next.After(now) { // today: only the part of the day that has passed
			end = now
			w *= float64(now.Sub(d)) / float64(24*time.Hour)
		}
		m, dd := d.Month(), d.Day()
		heating := m == time.December || m == time.January || m == time.February || (m == time.November && dd >= 15) || (m == time.March && dd <= 15)
		g.days = append(g.days, day{key: d.Format("20060102"), start: d.UnixMilli(), end: end.UnixMilli(), heating: heating})
		weights = append(weights, w)
	}
	cum := cumulative(weights)
	total := cum[len(cum)-1]
	prev := 0
	for i := range g.days {
		upto := int(math.Round(cum[i] / total * float64(opt.Tickets)))
		g.days[i].count = upto - prev
		prev = upto
	}
	return g
}

// times returns n creation times within the day, sorted, following the
// rhythm of the hours.
func (g *generator) times(d day, n int, buf []int64) []int64 {
	buf = buf[:0]
	for range n {
		var t int64
		for try := 0; ; try++ {
			h := draw(g.rng, g.hourCum[:])
			t = d.start + int64(h)*3600_000 + g.rng.Int64N(3600_000)
			if t < d.end {
				break
			}
			if try > 30 {
				t = d.start + g.rng.Int64N(max(d.end-d.start, 1))
				break
			}
		}
		buf = append(buf, t)
	}
	slices.Sort(buf)
	return buf
}

func (g *generator) run(ctx context.Context, free <-chan *batch, out chan<- *batch) error {
	var times []int64
	var b *batch
	get := func() error {
		select {
		case b = <-free:
			b.tickets, b.events = b.tickets[:0], b.events[:0]
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if err := get(); err != nil {
		return err
	}
	for _, d := range g.days {
		times = g.times(d, d.count, times)
		for _, at := range times {
			g.ticket(b, d, at)
			if len(b.tickets) == batchTickets {
				select {
				case out <- b:
				case <-ctx.Done():
					return ctx.Err()
				}
				if err := get(); err != nil {
					return err
				}
			}
		}
	}
	if len(b.tickets) > 0 {
		select {
		case out <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

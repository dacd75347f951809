package bench

import (
	"time"
)

// recorder holds one worker's measurements.
type recorder struct {
	lat  map[string][]time.Duration
	errs map[string]map[string]int
}

func newRecorder() *recorder {
	return &recorder{lat: map[string][]time.Duration{}, errs: map[string]map[string]int{}}
}

func (rec *recorder) add(kind string, d time.Duration, err error) {
	rec.lat[kind] = append(rec.lat[kind], d)
	if err != nil {
		m := rec.errs[kind]
		if m == nil {
			m = map[string]int{}
			rec.errs[kind] = m
		}
		m[errClass(err)]++
	}
}

// result sums up the workers' records per kind of request and in all.
func (r *runner) result(start time.Time, period time.Duration, recs []*recorder) *Result {
	res := &Result{URL: r.cfg.URL, Mix: r.cfg.Mix, Concurrency: r.cfg.Concurrency, Rate: r.cfg.Rate, DurationS: period.Seconds(),
		WarmupS: r.cfg.Warmup.Seconds(), Started: start}
	var all []time.Duration
	allErrs := map[string]int{}
	seen := map[string]bool{}
	var kinds []string
	for _, k := range append([]string{KindSubmit, KindTicket, KindInbox, KindAction}, r.sched...) {
		if !seen[k] {
			seen[k] = true
			kinds = append(kinds, k)
		}
	}
	for _, k := range kinds {
		var lat []time.Duration
		errKinds := map[string]int{}
		for _, rec := range recs {
			lat = append(lat, rec.lat[k]...)
			for c, n := range rec.errs[k] {
				errKinds[c] += n
				allErrs[k+": "+c] += n
			}
		}
		if len(lat) == 0 {
			continue
		}
		all = append(all, lat...)
		res.Kinds = append(res.Kinds, summarize(k, lat, errKinds, period))
	}
	res.Total = summarize("total", all, allErrs, period)
	return res
}

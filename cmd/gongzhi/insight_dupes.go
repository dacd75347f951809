package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/insight/dupes"
	"github.com/gongzhi/gongzhi/internal/transfer"
)

const insightDupesUsage = "FILE --format nyc311|la311|open311|csv [--mapping FILE] [--threshold 0.62]"

func init() {
	insightCmds["duplicates"] = insightCmd{usage: insightDupesUsage, run: insightDuplicates}
}

// dupesFlags are the flags of `gongzhi insight duplicates`.
type dupesFlags struct {
	file, format, mapping string
	threshold             float64
}

func parseDupesFlags(args []string) (dupesFlags, error) {
	var o dupesFlags
	usage := "usage: gongzhi insight duplicates " + insightDupesUsage
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			if o.file != "" {
				return o, fmt.Errorf("one file only (%q and %q)\n%s", o.file, a, usage)
			}
			o.file = a
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !hasVal {
			if i+1 >= len(args) {
				return o, fmt.Errorf("--%s needs a value\n%s", name, usage)
			}
			i++
			val = args[i]
		}
		switch name {
		case "format":
			o.format = val
		case "mapping":
			o.mapping = val
		case "threshold":
			t, err := strconv.ParseFloat(val, 64)
			if err != nil || t <= 0 || t > 1 {
				return o, fmt.Errorf("--threshold must be a number above 0 and at most 1, not %q", val)
			}
			o.threshold = t
		default:
			return o, fmt.Errorf("unknown flag %s\n%s", a, usage)
		}
	}
	if o.file == "" || o.format == "" {
		return o, errors.New(usage)
	}
	return o, nil
}

// insightDuplicates is `gongzhi insight duplicates FILE --format F`: one
// JSON line on stdout for each request judged a duplicate of an earlier
// one in the file, a summary on stderr.
func insightDuplicates(ctx context.Context, args []string, _ func(string) string, stdout, stderr io.Writer) error {
	o, err := parseDupesFlags(args)
	if err != nil {
		return err
	}
	started := time.Now()
	reqs, unread, err := readDupesFile(o.file, o.format, o.mapping)
	if err != nil {
		return err
	}
	opt := dupes.Defaults
	if o.threshold > 0 {
		opt.Threshold = o.threshold
	}
	matches := dupes.Find(reqs, opt)
	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	for _, m := range matches {
		if err := enc.Encode(m); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "duplicates: %d requests read, %d unreadable, %d flagged as duplicates of an earlier one (threshold %.2f) in %s\n",
		len(reqs), unread, len(matches), opt.Threshold, time.Since(started).Round(time.Millisecond))
	return ctx.Err()
}

// readDupesFile reads the requests of a file as they were known at intake,
// through the import's readers and mapping; unread counts the records
// that could not be read.
func readDupesFile(file, format, mappingFile string) (reqs []dupes.Request, unread int, err error) {
	var m transfer.Mapping
	if mappingFile != "" {
		m, err = transfer.LoadMapping(mappingFile, format)
	} else {
		m, err = transfer.PresetMapping(format)
	}
	if err != nil {
		return nil, 0, err
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	err = transfer.ReadIntake(bufio.NewReaderSize(f, 1<<16), format, m, func(r transfer.IntakeRecord) error {
		if r.Problem != "" {
			unread++
			return nil
		}
		reqs = append(reqs, dupesRequest(r))
		return nil
	})
	if err != nil {
		return nil, unread, fmt.Errorf("%s: %w", file, err)
	}
	return reqs, unread, nil
}

// dupesRequest is a record as the duplicate finder reads it: the type and
// its first detail (NYC's descriptor) tell the nature of the problem; the
// other details and the description are words.
func dupesRequest(r transfer.IntakeRecord) dupes.Request {
	detail, text := r.Type, r.Text
	if len(r.Detail) > 0 {
		detail += " " + r.Detail[0]
		text = strings.TrimSpace(strings.Join(r.Detail[1:], " ") + " " + text)
	}
	return dupes.Request{ID: r.ID, Created: r.Created, Category: r.Type, Detail: detail, Text: text,
		Address: r.Address, Lat: r.Lat, Lng: r.Lng, HasPlace: r.HasLoc}
}

package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/gongzhi/gongzhi/internal/insight/replyq"
)

func init() {
	insightCmds["replies"] = insightCmd{
		usage: "FILE [--text subject,detail] [--reply reply_text] [--id msg_id] [--examples 10]   score each written reply (advice only)",
		run:   insightReplies,
	}
}

// replyStats is the distribution of one score over a file.
type replyStats struct {
	Mean float64 `json:"mean"`
	P10  int     `json:"p10"`
	P25  int     `json:"p25"`
	P50  int     `json:"p50"`
	P75  int     `json:"p75"`
	P90  int     `json:"p90"`
}

type replyExample struct {
	ID           string   `json:"id"`
	Overall      int      `json:"overall"`
	Relevance    int      `json:"relevance"`
	Completeness int      `json:"completeness"`
	Clarity      int      `json:"clarity"`
	Advice       []string `json:"advice"`
	ReplyExcerpt string   `json:"reply_excerpt"`
}

type replySummary struct {
	N            int            `json:"n"`
	Overall      replyStats     `json:"overall"`
	Relevance    replyStats     `json:"relevance"`
	Completeness replyStats     `json:"completeness"`
	Clarity      replyStats     `json:"clarity"`
	AdviceCounts map[string]int `json:"advice_counts"`
	Lowest       []replyExample `json:"lowest"`
	Highest      []replyExample `json:"highest"`
}

type repliesArgs struct {
	file, id, reply string
	text            []string
	examples        int
}

func parseRepliesArgs(args []string, stderr io.Writer) (repliesArgs, error) {
	fs := flag.NewFlagSet("insight replies", flag.ContinueOnError)
	fs.SetOutput(stderr)
	text := fs.String("text", "subject,detail", "columns of the request, joined")
	reply := fs.String("reply", "reply_text", "column of the reply")
	id := fs.String("id", "", "column of the row's id (default: the first column)")
	examples := fs.Int("examples", 10, "examples shown at each end")
	var file string
	// The file may come before or after the flags.
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return repliesArgs{}, err
	}
	if file == "" && fs.NArg() > 0 {
		file = fs.Arg(0)
	}
	if file == "" {
		return repliesArgs{}, errors.New("usage: gongzhi insight replies FILE [--text subject,detail] [--reply reply_text] [--examples 10]")
	}
	if *examples < 0 || *examples > 1000 {
		return repliesArgs{}, fmt.Errorf("--examples must be between 0 and 1000")
	}
	return repliesArgs{file: file, id: *id, reply: *reply, text: strings.Split(*text, ","), examples: *examples}, nil
}

func insightReplies(_ context.Context, args []string, _ func(string) string, stdout, stderr io.Writer) error {
	a, err := parseRepliesArgs(args, stderr)
	if err != nil {
		return err
	}
	f, err := os.Open(a.file)
	if err != nil {
		return err
	}
	defer f.Close()
	sum, err := scoreReplies(f, a)
	if err != nil {
		return fmt.Errorf("%s: %w", a.file, err)
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(sum)
}

// scoreReplies reads a CSV with a header and scores the reply of each row.
func scoreReplies(r io.Reader, a repliesArgs) (replySummary, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return replySummary{}, fmt.Errorf("no CSV header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimPrefix(strings.TrimSpace(h), "\ufeff")] = i
	}
	idCol, replyCol, textCols, err := repliesColumns(col, a)
	if err != nil {
		return replySummary{}, err
	}
	var rows []replyExample
	counts := map[string]int{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return replySummary{}, err
		}
		field := func(i int) string {
			if i < len(rec) {
				return rec[i]
			}
			return ""
		}
		var req []string
		for _, c := range textCols {
			req = append(req, field(c))
		}
		reply := field(replyCol)
		res := replyq.Score(strings.Join(req, "\n"), reply)
		ex := replyExample{ID: field(idCol), Overall: res.Overall, Relevance: res.Relevance,
			Completeness: res.Completeness, Clarity: res.Clarity, Advice: []string{}, ReplyExcerpt: excerpt(reply, 80)}
		for _, ad := range res.Advice {
			ex.Advice = append(ex.Advice, ad.Code)
			counts[ad.Code]++
		}
		rows = append(rows, ex)
	}
	if len(rows) == 0 {
		return replySummary{}, errors.New("no rows after the header")
	}
	return summarise(rows, counts, a.examples), nil
}

func repliesColumns(col map[string]int, a repliesArgs) (id, reply int, text []int, err error) {
	reply, ok := col[a.reply]
	if !ok {
		return 0, 0, nil, fmt.Errorf("no column %q in the header", a.reply)
	}
	for _, name := range a.text {
		c, ok := col[strings.TrimSpace(name)]
		if !ok {
			return 0, 0, nil, fmt.Errorf("no column %q in the header", name)
		}
		text = append(text, c)
	}
	if a.id != "" {
		if id, ok = col[a.id]; !ok {
			return 0, 0, nil, fmt.Errorf("no column %q in the header", a.id)
		}
	}
	return id, reply, text, nil
}

func summarise(rows []replyExample, counts map[string]int, examples int) replySummary {
	pick := func(f func(replyExample) int) replyStats {
		v := make([]int, len(rows))
		total := 0
		for i, r := range rows {
			v[i] = f(r)
			total += v[i]
		}
		sort.Ints(v)
		q := func(p float64) int { return v[int(math.Ceil(p*float64(len(v))))-1] }
		return replyStats{Mean: math.Round(float64(total)/float64(len(v))*10) / 10,
			P10: q(0.10), P25: q(0.25), P50: q(0.50), P75: q(0.75), P90: q(0.90)}
	}
	s := replySummary{N: len(rows), AdviceCounts: counts,
		Overall:      pick(func(r replyExample) int { return r.Overall }),
		Relevance:    pick(func(r replyExample) int { return r.Relevance }),
		Completeness: pick(func(r replyExample) int { return r.Completeness }),
		Clarity:      pick(func(r replyExample) int { return r.Clarity }),
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Overall < rows[j].Overall })
	s.Lowest = examplesOf(rows, examples, func(i int) int { return i })
	s.Highest = examplesOf(rows, examples, func(i int) int { return len(rows) - 1 - i })
	return s
}

// examplesOf takes up to n rows in the order at gives, one per reply text:
// a file full of the same "留言已收悉" shows it once.
func examplesOf(rows []replyExample, n int, at func(int) int) []replyExample {
	out := []replyExample{}
	seen := map[string]bool{}
	for i := 0; i < len(rows) && len(out) < n; i++ {
		r := rows[at(i)]
		if !seen[r.ReplyExcerpt] {
			seen[r.ReplyExcerpt] = true
			out = append(out, r)
		}
	}
	return out
}

// excerpt is the first n characters of s on one line.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

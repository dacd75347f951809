package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/insight"
)

func init() {
	insightCmds["evaluate"] = insightCmd{
		usage: "--train FILE (--test FILE | --folds K) [--text subject,detail] [--label label_l1]   (a routing model on labelled CSV: one JSON object)",
		run:   insightEvaluateCmd,
	}
}

// insightEvaluateCmd trains the routing model on a labelled file and reports
// on another, or by K-fold cross-validation on the one.
func insightEvaluateCmd(_ context.Context, args []string, _ func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("insight evaluate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	train := fs.String("train", "", "labelled CSV to train on")
	test := fs.String("test", "", "labelled CSV to test on")
	k := fs.Int("folds", 0, "cross-validate on --train with K folds instead of --test")
	text := fs.String("text", "subject,detail", "text columns, joined")
	label := fs.String("label", "label_l1", "label column")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *train == "" || (*test == "") == (*k == 0) {
		return errors.New("usage: gongzhi insight evaluate " + insightCmds["evaluate"].usage)
	}
	if *k != 0 && (*k < 2 || *k > 20) {
		return errors.New("--folds must be between 2 and 20")
	}
	cols := strings.Split(*text, ",")
	read := func(path string) ([]string, []string, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, err
		}
		defer f.Close()
		texts, labels, skipped, err := insight.ReadLabelled(f, cols, *label)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		if skipped > 0 {
			fmt.Fprintf(stderr, "%s: %d rows without text or label skipped\n", path, skipped)
		}
		return texts, labels, nil
	}
	trT, trL, err := read(*train)
	if err != nil {
		return err
	}
	start := time.Now()
	var r insight.Report
	if *k != 0 {
		if len(trT) < *k {
			return fmt.Errorf("%d rows cannot make %d folds", len(trT), *k)
		}
		r, _ = insight.CrossValidate(trT, trL, *k, insight.LinearOptions{})
	} else {
		teT, teL, err := read(*test)
		if err != nil {
			return err
		}
		r = insight.Evaluate(trT, trL, teT, teL, insight.LinearOptions{})
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	fmt.Fprintf(stderr, "%s in %s; training %.0f ms in all; peak heap %d MB\n", r, time.Since(start).Round(time.Millisecond), r.TrainMs, m.HeapSys>>20)
	return json.NewEncoder(stdout).Encode(r)
}

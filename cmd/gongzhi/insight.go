package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
)

// insightCmd is one subcommand of `gongzhi insight`. Each lives in a file of
// its own (insight_*.go) and adds itself to insightCmds in an init function.
type insightCmd struct {
	usage string // one line: the arguments after the subcommand's name
	run   func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error
}

var insightCmds = map[string]insightCmd{}

func insightUsage() string {
	names := make([]string, 0, len(insightCmds))
	for n := range insightCmds {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "  gongzhi insight %s %s\n", n, insightCmds[n].usage)
	}
	return b.String()
}

func insightMain(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, "usage:\n"+insightUsage())
		return fmt.Errorf("no insight command given")
	}
	c, ok := insightCmds[args[0]]
	if !ok {
		fmt.Fprint(stderr, "usage:\n"+insightUsage())
		return fmt.Errorf("unknown insight command %q", args[0])
	}
	return c.run(ctx, args[1:], getenv, stdout, stderr)
}

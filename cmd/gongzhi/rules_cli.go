package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/evaluation"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ruleset"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

const rulesUsage = `usage:
  gongzhi rules export FILE [AREA [VERSION]] [--data ./data] [--db DSN]   (a published rule set as a file; default the latest of this installation's area)
  gongzhi rules import FILE [--data ./data] [--db DSN]   (the upper level's rule-set file; a bad file writes nothing)`

// rulesCmd moves a rule set between installations as a file: the upper
// level exports, the level below imports (as the system; the rule sets'
// log records it).
func rulesCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "export" && args[0] != "import" {
		return errors.New(rulesUsage)
	}
	verb := args[0]
	return withDB(ctx, "rules "+verb, args[1:], getenv, stderr, func(d *db.DB, rest []string) error {
		c := clock.System{}
		log := newLogger(stderr)
		g := gov.NewService(d, c)
		svc := ruleset.NewService(d, c, g, ticket.NewService(d, c, g, log), evaluation.NewService(d, c, g, log))
		if verb == "import" {
			if len(rest) != 1 {
				return errors.New(rulesUsage)
			}
			b, err := os.ReadFile(rest[0])
			if err != nil {
				return err
			}
			v, err := svc.Import(ctx, auth.System(), b)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "imported %s (%s) version %d: %d entries, %s\n", v.AreaCode, v.AreaName, v.Version, v.Entries, v.Checksum)
			return nil
		}
		if len(rest) < 1 || len(rest) > 3 {
			return errors.New(rulesUsage)
		}
		area, version := "", 0
		if len(rest) > 1 {
			area = rest[1]
		}
		if len(rest) > 2 {
			n, err := strconv.Atoi(rest[2])
			if err != nil || n < 1 {
				return errors.New(rulesUsage)
			}
			version = n
		}
		b, name, err := svc.Export(ctx, area, version)
		if err != nil {
			return err
		}
		if err := os.WriteFile(rest[0], b, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s (%s, %d bytes)\n", rest[0], name, len(b))
		return nil
	})
}

package main

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/db"
)

// What an operator asks for at the server that copies data out of it
// (export, backup) or puts a copy back (restore) goes in the audit log, as
// auth.System() acting for the operator: the name given by --by, or else
// the login name the shell reports ($USER), written in the entry's detail
// ("by=NAME").

// takeBy removes --by NAME (or --by=NAME) from args and returns the name:
// the flag's, else $USER, else "unknown".
func takeBy(args []string, getenv func(string) string) (string, []string) {
	by := ""
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--by" || a == "-by":
			if i+1 < len(args) {
				by = args[i+1]
				i++
			}
		case strings.HasPrefix(a, "--by="):
			by = strings.TrimPrefix(a, "--by=")
		case strings.HasPrefix(a, "-by="):
			by = strings.TrimPrefix(a, "-by=")
		default:
			rest = append(rest, a)
		}
	}
	by = strings.TrimSpace(by)
	if by == "" {
		by = strings.TrimSpace(getenv("USER"))
	}
	if by == "" {
		by = "unknown"
	}
	if len([]rune(by)) > 64 {
		by = string([]rune(by)[:64])
	}
	return by, rest
}

// auditCLI writes the entry of an operator's command.
func auditCLI(ctx context.Context, d *db.DB, action, object, by, detail string) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		return auth.AuditTx(ctx, tx, time.Now(), auth.System(), action, object, strings.TrimSpace("by="+by+" "+detail))
	})
}

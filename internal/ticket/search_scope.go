package ticket

import (
	"context"
	"database/sql"
	"encoding/hex"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// A list searched by words is limited to a scope: a handler's unit, a
// street's or a community's tickets. Both engines' text indexes hold, beside
// each ticket's words, the keys of its scopes, so that a word rare in one
// unit is found there without reading its matches in every other unit:
// PostgreSQL in the expression of its GIN index (scopedTermsExpr, with the
// month), SQLite as words of their own in ticket_text (scopeWords), which
// FTS5 steps through together with the searched words.
//
// A key is "o:" and the code of the unit handling the ticket, or "a:" and
// the first 9 (street) or 12 (community) characters of its area code.

// scopeKeys are the keys every ticket u may list with f holds: her unit,
// her street or community, the unit and area filtered by. Each is a
// condition the list has anyway; in the index it narrows the word's
// matches before any ticket is read.
func scopeKeys(u auth.User, f Filter) []string {
	var keys []string
	if u.Role == auth.RoleHandler && (f.Part == "" || f.Part == "lead") {
		keys = append(keys, "o:"+u.OrgCode)
	} else if f.OrgCode != "" {
		keys = append(keys, "o:"+f.OrgCode)
	}
	switch u.Role {
	case auth.RoleSupervisor, auth.RoleDispatcher, auth.RoleAgent, auth.RoleGridWorker:
		if !u.InArea("") {
			keys = appendAreaKey(keys, u.AreaCode)
		}
	}
	return appendAreaKey(keys, f.AreaCode)
}

// appendAreaKey adds the key of the street or community every ticket under
// code lies in, if code is as narrow as a street.
func appendAreaKey(keys []string, code string) []string {
	switch {
	case len(code) >= 12:
		return append(keys, "a:"+code[:12])
	case len(code) >= 9:
		return append(keys, "a:"+code[:9])
	}
	return keys
}

// ticketScopeKeys are the keys a ticket of that unit and area holds: those
// of scopedTermsExpr but the month.
func ticketScopeKeys(org, area string) []string {
	return []string{"o:" + org, "a:" + area[:min(9, len(area))], "a:" + area[:min(12, len(area))]}
}

// scopeWord is a key as SQLite's text index holds it: one word to its
// tokenizer (letters and digits only), "zq", the key's kind and its code in
// hexadecimal. A resident's word that happened to spell one only makes a
// ticket a candidate; the list's own conditions still decide.
func scopeWord(key string) string {
	kind, code, _ := strings.Cut(key, ":")
	return "zq" + kind + hex.EncodeToString([]byte(code))
}

// scopeWords are the words of the keys a ticket of that unit and area
// holds, joined by spaces.
func scopeWords(org, area string) string {
	keys := ticketScopeKeys(org, area)
	words := make([]string, len(keys))
	for i, k := range keys {
		words[i] = scopeWord(k)
	}
	return strings.Join(words, " ")
}

// indexedText is a ticket's entry in SQLite's text index: its terms, then
// the words of its scopes.
func indexedText(terms []string, org, area string) string {
	return strings.Join(append(terms[:len(terms):len(terms)], scopeWords(org, area)), " ")
}

// textScoped reports whether every entry of SQLite's text index holds its
// scopes' words (search_backfill.scoped, set once the walk that writes the
// entries anew after migration 0256 has reached the end); from then on it
// stays so, and is not asked again.
func (s *Service) textScoped(ctx context.Context) (bool, error) {
	if s.scoped.Load() {
		return true, nil
	}
	var scoped bool
	err := s.db.R.QueryRowContext(ctx, `SELECT scoped FROM search_backfill WHERE id = 1`).Scan(&scoped)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, errs.Wrap(err, "search tickets")
	}
	if scoped {
		s.scoped.Store(true)
	}
	return scoped, nil
}

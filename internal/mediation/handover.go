package mediation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// A case that ended without agreement (a party refused, or the mediation
// was terminated) may still need a unit to act: its committee hands it
// over as a ticket (转办) for the first applicant, in the category the
// committee chooses, and the case and the ticket each keep the other's
// number. A case is handed over once.

// HandOver is what handing a case over takes.
type HandOver struct {
	CategoryCode string `json:"category_code"`
	Note         string `json:"note"` // what the unit should know, with the case's summary
}

// MaxHandOverNote bounds the note.
const MaxHandOverNote = 500

// HandOverToTicket makes the ended case a ticket and records its number.
// The case is claimed first, so two at once make one ticket; a ticket
// refused leaves the case as it was.
func (s *Service) HandOverToTicket(ctx context.Context, u auth.User, number string, in HandOver) (Case, error) {
	if s.tickets == nil {
		return Case{}, errs.New(errs.Unavailable, "本系统未连接工单", "tickets are not connected")
	}
	in.Note = strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(in.Note) > MaxHandOverNote {
		return Case{}, errs.Invalidf("转办说明不超过%d字", "the note is at most %d characters", MaxHandOverNote)
	}
	var nt ticket.NewTicket
	_, err := s.change(ctx, u, number, func(tx *sql.Tx, c Case, now time.Time) error {
		if c.ToTicket != "" {
			return errs.Conflictf("本案已转办", "the case is handed over already")
		}
		if !OffersHandOver(c, true) {
			return errs.Conflictf("只有未达成协议而结束的案件可以转办", "only a case that ended without agreement is handed over")
		}
		var name, phone string
		err := tx.QueryRowContext(ctx, `SELECT name, phone FROM mediation_parties WHERE case_number = $1 AND role = 'applicant' ORDER BY seq LIMIT 1`, c.Number).Scan(&name, &phone)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return errs.Wrap(err, "the applicant")
		}
		text := fmt.Sprintf("人民调解案件 %s 未达成调解协议（%s），由%s转办。纠纷情况：%s", c.Number, c.EndReason, c.CommitteeName, c.Summary)
		if in.Note != "" {
			text += "\n转办说明：" + in.Note
		}
		nt = ticket.NewTicket{Kind: ticket.KindHelp, CategoryCode: in.CategoryCode, Description: text, AreaCode: c.AreaCode,
			Channel: ticket.ChannelProxy, ReporterName: name, ReporterPhone: phone}
		_, err = tx.ExecContext(ctx, `UPDATE mediation_cases SET to_ticket = '-' WHERE number = $1`, c.Number)
		return errs.Wrap(err, "claim the case")
	})
	if err != nil {
		return Case{}, err
	}
	t, err := s.tickets.Create(ctx, &u, nt)
	if err != nil {
		if _, rerr := s.db.W.ExecContext(ctx, `UPDATE mediation_cases SET to_ticket = '' WHERE number = $1 AND to_ticket = '-'`, number); rerr != nil {
			return Case{}, errs.Wrap(rerr, "release the case")
		}
		return Case{}, err
	}
	return s.change(ctx, u, number, func(tx *sql.Tx, c Case, now time.Time) error {
		if _, err := tx.ExecContext(ctx, `UPDATE mediation_cases SET to_ticket = $1 WHERE number = $2`, t.Number, c.Number); err != nil {
			return errs.Wrap(err, "the ticket's number")
		}
		return s.event(ctx, tx, c.Number, u, "to_ticket", map[string]any{"ticket_number": t.Number, "category_code": in.CategoryCode}, now)
	})
}

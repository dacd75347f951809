package app

// wireWorkload gives the evaluation the tickets' holdings and passes, on
// the tickets' working-time calendar, for the workload and the returns
// report, and the ticket capability's catalogue for their proposals.
func wireWorkload(a *App) { a.Evaluation.SetTickets(a.Tickets, a.Tickets.Calendar()) }

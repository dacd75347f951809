package ticket

// SetSearchSteps sets the sizes of a search by words' steps on PostgreSQL
// (search_pg.go) until the returned func restores them.
func SetSearchSteps(window, count, months int) func() {
	w, c, m := searchWindow, countWindow, searchMonths
	searchWindow, countWindow, searchMonths = window, count, months
	return func() { searchWindow, countWindow, searchMonths = w, c, m }
}

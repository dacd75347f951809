package ticket

// SetSearchSteps sets the sizes of a search by words' steps on PostgreSQL
// (search_pg.go) until the returned func restores them.
func SetSearchSteps(window, count, recent int) func() {
	w, c, r := searchWindow, countWindow, searchRecent
	searchWindow, countWindow, searchRecent = window, count, recent
	return func() { searchWindow, countWindow, searchRecent = w, c, r }
}

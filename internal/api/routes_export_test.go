package api

// RouteRow is a line of the route table as package api_test sees it.
type RouteRow struct {
	Method, Path string
	Access       string // anyone, user, user-pending, admin
	Key          string // "", keyed, upload, secret, no-password
	Summary      string
	Open, Serve  bool // which of the two handlers is set
}

// RouteTable returns the API's route table.
func RouteTable() []RouteRow {
	accesses := map[access]string{asAnyone: "anyone", asUser: "user", asUserPending: "user-pending", asAdmin: "admin"}
	keys := map[keying]string{noKey: "", keyed: "keyed", keyedUpload: "upload", keyedSecret: "secret", keyedNoPassword: "no-password"}
	var rows []RouteRow
	for _, rt := range routeTable {
		rows = append(rows, RouteRow{Method: rt.method, Path: rt.path, Access: accesses[rt.access], Key: keys[rt.key],
			Summary: rt.summary, Open: rt.open != nil, Serve: rt.serve != nil})
	}
	return rows
}

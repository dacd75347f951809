package citylink

import "github.com/gongzhi/gongzhi/internal/auth"

// Who may do what.
//
// Only an administrator registers, pauses and resumes platforms and reads
// their delivery log: a platform acts in the district's name, across every
// unit. A platform's key is no account: it is taken on that platform's own
// endpoints only (/open311/citylink/{id}/…), files the tickets it
// dispatches as that platform, and updates only the tickets we dispatched
// to it (see Platform.actor, Receive and ReceiveUpdate). No other route
// takes it, and no account's key is taken there.

// CanManage reports whether u may register platforms and read their log.
func CanManage(u auth.User) bool { return u.IsAdmin() }

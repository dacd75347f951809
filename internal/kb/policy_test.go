package kb_test

import (
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/kb"
)

func TestPolicy(t *testing.T) {
	const today = "2026-05-06"
	pub := kb.Article{Active: true, Public: true, ReviewBy: "2026-05-06", Guide: kb.Guide{ApplyCategory: "0603"}}
	for _, c := range []struct {
		name string
		a    kb.Article
		want bool
	}{
		{"current on its review date", pub, true},
		{"stale the day after", kb.Article{Active: true, Public: true, ReviewBy: "2026-05-05"}, false},
		{"not public", kb.Article{Active: true, ReviewBy: "2026-12-31"}, false},
		{"inactive", kb.Article{Public: true, ReviewBy: "2026-12-31"}, false},
		{"public without a review date", kb.Article{Active: true, Public: true}, false},
	} {
		if got := kb.Published(c.a, today); got != c.want {
			t.Errorf("Published %s: %v", c.name, got)
		}
	}
	her := auth.User{ID: "r", Role: auth.RoleResident, Phone: "13900000001"}
	if !kb.CanApply(her, pub, today) || kb.CanApply(auth.User{Role: auth.RoleResident}, pub, today) ||
		kb.CanApply(auth.User{Role: auth.RoleHandler, AreaCode: "11"}, pub, today) || kb.CanApply(her, kb.Article{Active: true, Public: true, ReviewBy: "2026-12-31"}, today) {
		t.Error("CanApply")
	}
	community := "110117001001"
	for _, c := range []struct {
		u    auth.User
		want bool
	}{
		{auth.User{Role: auth.RoleAdmin}, true},
		{auth.User{Role: auth.RoleHandler, AreaCode: "110117001"}, true},
		{auth.User{Role: auth.RoleSupervisor, AreaCode: "110117"}, true},
		{auth.User{Role: auth.RoleHandler, AreaCode: "110117002"}, false},
		{auth.User{Role: auth.RoleAgent, AreaCode: "110117"}, false},
		{auth.User{Role: auth.RoleGridWorker, AreaCode: community}, false},
		{her, false},
		{auth.User{Role: auth.RoleAuditor}, false},
	} {
		if got := kb.CanReview(c.u, community); got != c.want {
			t.Errorf("CanReview %s %s: %v", c.u.Role, c.u.AreaCode, got)
		}
	}
	if kb.CanEdit(auth.User{Role: auth.RoleSupervisor, AreaCode: "110117"}) || !kb.CanEdit(auth.User{Role: auth.RoleAdmin}) {
		t.Error("CanEdit")
	}
}

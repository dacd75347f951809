package practice_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/practice"
)

func TestSwitchOnOff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := practice.NewService(d, clock.System{})
		disp := auth.User{ID: "d1", Role: auth.RoleDispatcher}
		other := auth.User{ID: "d2", Role: auth.RoleHandler}
		if anyone, err := s.Anyone(ctx); err != nil || anyone {
			t.Fatalf("anyone before: %v %v", anyone, err)
		}
		if on, err := s.IsOn(ctx, disp.ID); err != nil || on {
			t.Fatalf("at first: %v %v", on, err)
		}
		st, err := s.On(ctx, disp)
		if err != nil || !st.On || st.Since.IsZero() {
			t.Fatalf("on: %+v %v", st, err)
		}
		if _, err := s.On(ctx, disp); err != nil { // again: no change, no event
			t.Fatal(err)
		}
		if anyone, _ := s.Anyone(ctx); !anyone { // a switch here is seen at once
			t.Fatal("nobody practising after a switch on")
		}
		if on, _ := s.IsOn(ctx, disp.ID); !on {
			t.Fatal("not on after On")
		}
		if on, _ := s.IsOn(ctx, other.ID); on {
			t.Fatal("another account is on")
		}
		if st, err := s.Off(ctx, disp); err != nil || st.On {
			t.Fatalf("off: %+v %v", st, err)
		}
		if anyone, _ := s.Anyone(ctx); anyone {
			t.Fatal("somebody practising after the switch off")
		}
		if on, _ := s.IsOn(ctx, disp.ID); on {
			t.Fatal("on after Off")
		}
		ev, err := s.Events(ctx, disp.ID)
		if err != nil || !reflect.DeepEqual(ev, []string{practice.EventOn, practice.EventOff}) {
			t.Fatalf("events: %v %v", ev, err)
		}
		if _, err := s.On(ctx, auth.User{ID: "au", Role: auth.RoleAuditor}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("auditor: %v", err)
		}
	})
}

func TestPolicy(t *testing.T) {
	for _, c := range []struct {
		u    auth.User
		want bool
	}{
		{auth.User{ID: "a", Role: auth.RoleAdmin}, true},
		{auth.User{ID: "h", Role: auth.RoleHandler}, true},
		{auth.User{ID: "r", Role: auth.RoleResident}, true},
		{auth.User{ID: "au", Role: auth.RoleAuditor}, false},
		{auth.User{Role: auth.RoleHandler}, false},
	} {
		if got := practice.CanSwitch(c.u); got != c.want {
			t.Errorf("%+v: %v", c.u, got)
		}
	}
}

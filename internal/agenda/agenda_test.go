package agenda_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/agenda"
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
)

func TestOrderAndFilter(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	due := func(h int) *time.Time { x := t0.Add(time.Duration(h) * time.Hour); return &x }
	a := agenda.New()
	a.AddTodo(func(ctx context.Context, u auth.User) ([]agenda.Item, error) {
		return []agenda.Item{
			{Kind: "proposal", Ref: "TA1", Title: "加装电梯", At: t0},
			{Kind: "proposal", Ref: "TA2", Title: "停车位", NeedsAction: true, Due: due(48), At: t0},
		}, nil
	})
	a.AddTodo(func(ctx context.Context, u auth.User) ([]agenda.Item, error) {
		return []agenda.Item{
			{Kind: "meeting", Ref: "M1", Title: "电梯议事会任务", NeedsAction: true, Due: due(24), At: t0},
			{Kind: "notice", Ref: "N1", Title: "公示", NeedsAction: true, At: t0.Add(time.Hour)},
		}, nil
	})
	staff := auth.User{ID: "s", Role: auth.RoleHandler, OrgCode: "CC1"}
	items, err := a.Todo(context.Background(), staff, "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		got = append(got, it.Ref)
	}
	if strings.Join(got, ",") != "M1,TA2,N1,TA1" {
		t.Fatalf("order %v", got)
	}
	items, _ = a.Todo(context.Background(), staff, "电梯")
	if len(items) != 2 || items[0].Ref != "M1" || items[1].Ref != "TA1" {
		t.Fatalf("filter: %+v", items)
	}
	if items, _ := a.Todo(context.Background(), auth.User{ID: "r", Role: auth.RoleResident, Phone: "1"}, ""); len(items) != 0 {
		t.Fatalf("a resident has a to-do list: %v", items)
	}
	if items, _ := a.Mine(context.Background(), staff); len(items) != 0 {
		t.Fatalf("staff have 我的事项: %v", items)
	}
}

func TestBoundAndErrors(t *testing.T) {
	a := agenda.New()
	a.AddMine(func(ctx context.Context, u auth.User) ([]agenda.Item, error) {
		var out []agenda.Item
		for i := 0; i < agenda.MaxItems+20; i++ {
			out = append(out, agenda.Item{Kind: "survey", Ref: fmt.Sprint(i)})
		}
		return out, nil
	})
	r := auth.User{ID: "r", Role: auth.RoleResident, Phone: "13900000001"}
	items, err := a.Mine(context.Background(), r)
	if err != nil || len(items) != agenda.MaxItems {
		t.Fatalf("%d items, %v", len(items), err)
	}
	boom := errors.New("down")
	a.AddMine(func(ctx context.Context, u auth.User) ([]agenda.Item, error) { return nil, boom })
	if _, err := a.Mine(context.Background(), r); !errors.Is(err, boom) {
		t.Fatalf("a source's error is lost: %v", err)
	}
}

func TestLongFilterRefused(t *testing.T) {
	staff := auth.User{ID: "s", Role: auth.RoleHandler, OrgCode: "CC1"}
	if _, err := agenda.New().Todo(context.Background(), staff, strings.Repeat("长", agenda.MaxQuery+1)); !errs.Is(err, errs.Invalid) {
		t.Fatalf("a long filter: %v", err)
	}
	if _, err := agenda.New().Todo(context.Background(), staff, strings.Repeat("长", agenda.MaxQuery)); err != nil {
		t.Fatalf("a filter of the longest length: %v", err)
	}
}

package service

import (
	"context"
	"sort"

	"github.com/gongzhi/gongzhi/internal/auth"
)

// What fits a resident: the needs she registered herself, with her
// consent (internal/needs), make the directory show first, and mark, the
// services of the categories that answer them. Only her own needs are
// read, for her own page; nobody else's directory changes.

// NeedsReader tells the categories of need a phone registered (none when
// it registered none or withdrew).
type NeedsReader func(ctx context.Context, phone string) ([]string, error)

// SetNeeds lets the directory read a resident's own needs.
func (s *Service) SetNeeds(r NeedsReader) { s.needs = r }

// fitting are the service categories that answer each category of need.
var fitting = map[string][]Category{
	"alone":      {CatElderly, CatMeals, CatHousekeeping, CatRepairs},
	"disability": {CatMedical, CatElderly, CatHousekeeping, CatLegal},
	"care":       {CatElderly, CatMedical, CatHousekeeping, CatMeals},
	"elderly":    {CatElderly, CatMeals, CatMedical},
}

// Fits is the set of service categories that answer the needs.
func Fits(needs []string) map[Category]bool {
	out := map[Category]bool{}
	for _, n := range needs {
		for _, c := range fitting[n] {
			out[c] = true
		}
	}
	return out
}

// markFits marks the offers that answer u's own needs and puts them first,
// keeping the order within each part; a failure to read them leaves the
// directory as it is.
func (s *Service) markFits(ctx context.Context, u auth.User, items []Offer) {
	if s.needs == nil || u.Role != auth.RoleResident || u.Phone == "" {
		return
	}
	needs, err := s.needs(ctx, u.Phone)
	if err != nil || len(needs) == 0 {
		return
	}
	fits := Fits(needs)
	for i := range items {
		items[i].Fits = fits[items[i].Category]
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].Fits && !items[j].Fits })
}

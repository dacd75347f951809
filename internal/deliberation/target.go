// Package deliberation keeps residents' comments (议事评论) on the items of
// participation — proposals, topics, announcements, key projects — with a
// position, replies, moderation and the responsible unit's official reply.
//
// The package knows no item itself: each capability that keeps items
// registers a Resolver for its kind, which says, for the acting user, what
// the item is, who may read it and whether it takes comments. The rules of
// reading stay with the item's capability; those of commenting and
// moderating are this package's.
package deliberation

import (
	"context"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/disclosure"
)

// Target is an item that comments are about, as its capability describes it
// to the acting user.
type Target struct {
	Kind  string // "proposal", "topic", "notice", "project", …
	ID    string // the item's number or ID within its kind
	Title string
	URL   string // the resident's page of the item
	// Where the item belongs and how widely it is disclosed: comments are
	// read by whoever may read the item, and held for review before they
	// show when the item is public and the district reviews first.
	AreaCode string
	OrgCode  string
	Level    disclosure.Level
	// Open reports whether the item takes comments now (a comment period
	// that has not ended, a proposal still being considered).
	Open bool
	// Official reports whether the acting user speaks for the unit
	// responsible for the item: her comments are its official replies.
	Official bool
}

// Resolver returns the item of its kind with the ID as the user may see it,
// or an error of the errs package: not found when there is none or she may
// not read it.
type Resolver func(ctx context.Context, u auth.User, id string) (Target, error)

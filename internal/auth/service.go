package auth

import (
	"log/slog"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/gongzhi/gongzhi/internal/clock"
	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// CodeSender delivers one-time login codes to a phone (an SMS gateway in
// production).
type CodeSender interface {
	SendCode(phone, code string) error
}

// Options tune the service.
type Options struct {
	// BcryptCost is the cost of password hashes; 0 means the default (11).
	BcryptCost int
	// Demo makes one-time codes visible to the user (dev_code); never in production.
	Demo bool
	// Sender delivers one-time codes; nil logs them (without the code unless Demo).
	Sender CodeSender
	// IdleTimeout ends a staff web session unused this long; 0 never does.
	IdleTimeout time.Duration
	// AdminTOTP requires a second factor of administrators: one without it
	// may only enrol one.
	AdminTOTP bool
}

// Service is the accounts and permissions service.
type Service struct {
	db    *db.DB
	clock clock.Clock
	gov   *gov.Service
	opts  Options
	log   *slog.Logger

	auditOnce sync.Once
	audits    chan auditReq

	levels sync.Map // area code → gov.Level; an area's level never changes

	// dummyHash is what a login for an unknown username is checked against,
	// made at the cost of real hashes so that both take the same time and the
	// time of an answer does not tell whether an account exists.
	dummyHash []byte

	phoneKeyMu sync.Mutex
	phoneKey   []byte // keys the hashes of phones in the audit log (audit.go)

	gate Gate // admits the staff of organisations under an agreement (grant.go)
}

// NewService returns the service.
func NewService(d *db.DB, c clock.Clock, g *gov.Service, log *slog.Logger, opts Options) *Service {
	if opts.BcryptCost == 0 {
		opts.BcryptCost = 11
	}
	if log == nil {
		log = slog.Default()
	}
	dummy, err := bcrypt.GenerateFromPassword([]byte("gongzhi-no-such-user"), opts.BcryptCost)
	if err != nil { // only a cost out of bcrypt's range; then the hashes fail the same way
		dummy = []byte{}
	}
	return &Service{db: d, clock: c, gov: g, opts: opts, log: log, dummyHash: dummy}
}

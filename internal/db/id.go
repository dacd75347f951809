package db

import (
	"crypto/rand"
	"encoding/hex"
)

// NewID returns a random id for a new row: 96 random bits as 24 hexadecimal
// digits, so ids made in several processes never collide and reveal no order
// or count.
func NewID() string {
	var b [12]byte
	rand.Read(b[:]) // never fails (crypto/rand panics if the system has no randomness)
	return hex.EncodeToString(b[:])
}

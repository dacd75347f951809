package db

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// silenceDialer dials PostgreSQL with TCP keepalives, and returns connections
// on which a read waits at most limit for the server to say something. A
// frozen server (stopped, or its machine hung) keeps its TCP connections
// open, so keepalives never notice it; without this a request would wait
// for as long as the freeze lasts.
func silenceDialer(limit time.Duration) pgconn.DialFunc {
	d := &net.Dialer{KeepAliveConfig: net.KeepAliveConfig{Enable: true, Idle: 15 * time.Second, Interval: 5 * time.Second, Count: 3}}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &silentConn{Conn: c, limit: limit}, nil
	}
}

// silentConn puts a deadline of now+limit on every read, unless pgx has set
// an earlier one (it sets deadlines to interrupt a read when a context
// ends, and those must keep working). Once the server has been silent for
// the limit the connection is dead, and every later read fails at once:
// pgx may read again (its background reader and then the caller), and each
// read waiting anew would multiply the wait.
type silentConn struct {
	net.Conn
	limit time.Duration

	mu   sync.Mutex
	set  time.Time // the read deadline pgx asked for; zero for none
	dead error     // the silence that ended the connection
}

func (c *silentConn) Read(b []byte) (int, error) {
	c.mu.Lock()
	if c.dead != nil {
		c.mu.Unlock()
		return 0, c.dead
	}
	dl, ours := time.Now().Add(c.limit), true
	if !c.set.IsZero() && c.set.Before(dl) {
		dl, ours = c.set, false
	}
	err := c.Conn.SetReadDeadline(dl)
	c.mu.Unlock()
	if err != nil {
		return 0, err
	}
	n, err := c.Conn.Read(b)
	if ne, ok := err.(net.Error); ok && ne.Timeout() && ours {
		err = &silenceError{limit: c.limit, err: err}
		c.mu.Lock()
		c.dead = err
		c.mu.Unlock()
	}
	return n, err
}

func (c *silentConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.set = t
	return c.Conn.SetDeadline(t)
}

func (c *silentConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.set = t
	return c.Conn.SetReadDeadline(t)
}

// silenceError is a read that timed out because the server said nothing.
// It is a net.Error, so the errs package sees an unavailable database.
type silenceError struct {
	limit time.Duration
	err   error
}

func (e *silenceError) Error() string {
	return fmt.Sprintf("the database server did not answer within %s: %v", e.limit, e.err)
}
func (e *silenceError) Unwrap() error   { return e.err }
func (e *silenceError) Timeout() bool   { return true }
func (e *silenceError) Temporary() bool { return false }

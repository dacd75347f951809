package clock

import (
	"sync"
	"time"
)

// BusinessZone is the time zone business time is counted and shown in:
// Asia/Shanghai, or a fixed UTC+08:00 zone named CST when the zone database
// is missing (the same thing: China has no daylight saving time). It is
// loaded once.
var BusinessZone = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
})

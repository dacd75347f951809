package config

import (
	"io"
	"testing"
)

// A district's tile server is read from the flag or the environment and
// must be an http(s) address with {z}, {x} and {y} in it.
func TestTileURL(t *testing.T) {
	c, err := Parse(nil, env(map[string]string{"GONGZHI_TILE_URL": "https://map.pinggu.gov.cn/tiles/{z}/{x}/{y}.png"}), io.Discard)
	if err != nil || c.TileURL != "https://map.pinggu.gov.cn/tiles/{z}/{x}/{y}.png" {
		t.Fatalf("%q %v", c.TileURL, err)
	}
	if c, err := Parse(nil, env(nil), io.Discard); err != nil || c.TileURL != "" {
		t.Fatalf("default %q %v", c.TileURL, err)
	}
	for _, bad := range []string{"map.pinggu.gov.cn/{z}/{x}/{y}.png", "https://map.pinggu.gov.cn/{z}/{x}.png", "javascript:{z}{x}{y}", "https:///{z}/{x}/{y}"} {
		if _, err := Parse([]string{"--tile-url", bad}, env(nil), io.Discard); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

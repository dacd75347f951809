package config

import (
	"io"
	"testing"
)

func TestParsePublicOutputs(t *testing.T) {
	c, err := Parse(nil, env(nil), io.Discard)
	if err != nil || c.PublicPrecisionM != 100 || c.Open311SandboxURL != "" {
		t.Fatalf("defaults: %+v %v", c, err)
	}
	c, err = Parse(nil, env(map[string]string{"GONGZHI_PUBLIC_PRECISION_M": "500", "GONGZHI_OPEN311_SANDBOX_URL": "https://test.example/open311/v2"}), io.Discard)
	if err != nil || c.PublicPrecisionM != 500 || c.Open311SandboxURL != "https://test.example/open311/v2" {
		t.Fatalf("env: %+v %v", c, err)
	}
	c, err = Parse([]string{"--public-precision-m", "0"}, env(map[string]string{"GONGZHI_PUBLIC_PRECISION_M": "500"}), io.Discard)
	if err != nil || c.PublicPrecisionM != 0 {
		t.Fatalf("flag over env: %+v %v", c, err)
	}
	for _, v := range []string{"-1", "abc", "1000000"} {
		if _, err := Parse(nil, env(map[string]string{"GONGZHI_PUBLIC_PRECISION_M": v}), io.Discard); err == nil {
			t.Errorf("precision %q accepted", v)
		}
	}
}

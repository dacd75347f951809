package privacy

import (
	"math"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/gov"
)

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"联系电话13812345678", "联系电话138****5678"},
		{"电话 138 1234 5678 谢谢", "电话 138 **** 5678 谢谢"},
		{"138-1234-5678", "138-****-5678"},
		{"138.1234.5678", "138.****.5678"},
		{"１３８１２３４５６７８", "１３８****５６７８"},
		{"１３８ 1234 ５６７８", "１３８ **** ５６７８"},
		{"1 3 8 1 2 3 4 5 6 7 8", "1 3 8 * * * * 5 6 7 8"},
		{"138\u200b1234\u200b5678", "138\u200b****\u200b5678"},
		{"+86 138 1234 5678", "+86 138 **** 5678"},
		{"两个号码13812345678和13987654321", "两个号码138****5678和139****4321"},
		{"010-62345678", "010-****5678"},
		{"(010)62345678", "(010)****5678"},
		{"（０１０）６２３４５６７８", "（０１０）****５６７８"},
		{"0571-8888777", "0571-***8777"},
		{"0571 8888 7777", "0571 **** 7777"},
		{"家里电话 6996 1234", "家里电话 **** 1234"},
		{"电话6996123", "电话***6123"},
		{"身份证110101199003071234", "身份证110*************34"},
		{"身份证11010119900307123X", "身份证110*************3X"},
		{"110101 19900307 123x", "110*** ******** **3x"},
		{"3号楼2单元501室", "3号楼2单元***室"},
		{"2单元501", "2单元***"},
		{"2单元-501", "2单元-***"},
		{"5栋1203", "5栋****"},
		{"3号楼501", "3号楼***"},
		{"501室", "***室"},
		{"１２０３房", "****房"},
		{"住3-2-501", "住3-2-***"},
		{"12-3-1201有人", "12-3-****有人"},
		// What stays: dates, times, ticket numbers, street numbers, counts.
		{"2026-12-02 下午3点", "2026-12-02 下午3点"},
		{"2026.12.02", "2026.12.02"},
		{"20261202", "20261202"},
		{"损失300万元，约1234567元", "损失300万元，约1234567元"},
		{"工单20261202000123已办结", "工单20261202000123已办结"},
		{"新平北路38号", "新平北路38号"},
		{"井盖丢了3个，深2米", "井盖丢了3个，深2米"},
		{"12345热线", "12345热线"},
		{"", ""},
		{"没有数字", "没有数字"},
	}
	for _, tc := range tests {
		if got := Mask(tc.in); got != tc.want {
			t.Errorf("Mask(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if again := Mask(tc.want); again != tc.want {
			t.Errorf("Mask(%q) is not idempotent: %q", tc.want, again)
		}
	}
}

func TestRoundCoord(t *testing.T) {
	lat, lng := RoundCoord(40.1409734, 117.1212345, 100)
	if d := gov.Haversine(lat, lng, 40.1409734, 117.1212345); d > 100 {
		t.Errorf("rounded point %v,%v is %.0f m away", lat, lng, d)
	}
	if lat == 40.1409734 || lng == 117.1212345 {
		t.Errorf("not rounded: %v,%v", lat, lng)
	}
	// Two homes in one cell show as one point.
	a1, b1 := RoundCoord(40.14101, 117.12101, 100)
	a2, b2 := RoundCoord(40.14103, 117.12104, 100)
	if a1 != a2 || b1 != b2 {
		t.Errorf("neighbours differ: %v,%v and %v,%v", a1, b1, a2, b2)
	}
	if x, y := RoundCoord(lat, lng, 100); x != lat || y != lng {
		t.Errorf("rounding again moved %v,%v to %v,%v", lat, lng, x, y)
	}
	if x, y := RoundCoord(40.1409734, 117.1212345, 0); x != 40.1409734 || y != 117.1212345 {
		t.Errorf("precision 0 changed the point: %v,%v", x, y)
	}
	if x, y := RoundCoord(89.99999, 179.9999, 100); math.Abs(x) > 90.001 || math.IsNaN(y) {
		t.Errorf("near the pole: %v,%v", x, y)
	}
}

var mobileRun = regexp.MustCompile(`1[3-9][0-9]{9}`)

// normalised writes a text's digits in ASCII and drops the separators
// between them; anything else stands as a break.
func normalised(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９':
			b.WriteRune('0' + r - '０')
		case Separator(r):
		default:
			b.WriteByte('|')
		}
	}
	return b.String()
}

func FuzzMask(f *testing.F) {
	for _, s := range []string{"13812345678", "138 1234 5678", "１３８-１２３４-５６７８", "010-62345678",
		"11010119900307123X", "3号楼2单元501室", "3-2-501", "1381234010234567813912345678", "(010)62345678 2026-12-02"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		m := Mask(s)
		if loc := mobileRun.FindStringIndex(normalised(m)); loc != nil {
			t.Fatalf("Mask(%q) = %q leaves a mobile number", s, m)
		}
		if again := Mask(m); again != m {
			t.Fatalf("Mask(%q) = %q, masked again %q", s, m, again)
		}
		if utf8.RuneCountInString(m) != utf8.RuneCountInString(s) {
			t.Fatalf("Mask(%q) = %q changed the length", s, m)
		}
	})
}

// BenchmarkMask masks a long description with many numbers, as a public
// list does for each of up to 1000 tickets.
func BenchmarkMask(b *testing.B) {
	s := strings.Repeat("小区门口垃圾堆放三天无人清理，联系电话13812345678，住3号楼2单元501室。", 40)
	for b.Loop() {
		Mask(s)
	}
}

package dupes

import (
	"sort"
	"strings"
	"unicode"
)

// Nature is what kind of problem a request reports, as far as duplicates
// go: whether a second report of it at the same place is the same problem.
type Nature int

const (
	// Home is a condition of one home (paint, pests, a door): each tenant's own.
	Home Nature = iota
	// Incident is a passing event (noise, a parked car): a new one each time.
	Incident
	// Public is a lasting condition of a public place (a road, a light).
	Public
	// Supply is a failure of a building's shared supply (heat, water, gas, power).
	Supply
)

func (n Nature) weight() float64 {
	switch n {
	case Supply:
		return 1
	case Public:
		return 0.75
	case Incident:
		return 0.45
	}
	return 0.55
}

// Words that tell the nature, in English and Chinese, looked for in the
// category's name and detail in this order: supply, public, incident.
var natureWords = []struct {
	n     Nature
	words []string
}{
	{Supply, []string{"heat", "hot water", "water supply", "water system", "power outage", "gas", "boiler", "steam",
		"供暖", "暖气", "供热", "热水", "停水", "供水", "水压", "燃气", "煤气", "天然气", "停电", "供电", "锅炉", "electricity"}},
	{Public, []string{"street", "pothole", "signal", "light", "sewer", "hydrant", "tree", "sidewalk", "graffiti",
		"air", "water", "curb", "bridge", "highway", "road",
		"道路", "路面", "坑", "井盖", "路灯", "信号灯", "红绿灯", "下水", "排水", "污水", "管网", "树", "绿化", "人行道",
		"涂鸦", "小广告", "桥", "积水", "设施", "街巷", "环境卫生", "垃圾", "园林", "大气", "水体", "消防通道", "公交"}},
	{Incident, []string{"noise", "parking", "driveway", "vehicle", "drug", "taxi", "hire", "panhandling", "firework",
		"police", "bike", "vendor", "dining", "smoking", "animal", "dog",
		"噪音", "噪声", "扰民", "停车", "占道", "车辆", "摆摊", "商贩", "烟花", "鞭炮", "宠物", "犬", "狗"}},
}

// NatureOf reads the nature of a request from its category's name and
// detail; what names none of the words is a condition of one home.
func NatureOf(detail string) Nature {
	d := strings.ToLower(detail)
	for _, nw := range natureWords {
		for _, w := range nw.words {
			if hasWord(d, w) {
				return nw.n
			}
		}
	}
	return Home
}

// hasWord tells whether d holds w: anywhere for Chinese, at the start of a
// word for English (so "air" is not found in "stairs").
func hasWord(d, w string) bool {
	for from := 0; ; {
		i := strings.Index(d[from:], w)
		if i < 0 {
			return false
		}
		i += from
		if i == 0 || w[0] >= 0x80 || !isASCIILetter(d[i-1]) {
			return true
		}
		from = i + 1
	}
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// abbreviations write the common words of addresses one way.
var abbreviations = map[string]string{
	"AVENUE": "AVE", "AV": "AVE", "STREET": "ST", "STR": "ST", "ROAD": "RD", "BOULEVARD": "BLVD",
	"PLACE": "PL", "DRIVE": "DR", "LANE": "LN", "COURT": "CT", "TERRACE": "TER", "PARKWAY": "PKWY",
	"HIGHWAY": "HWY", "SQUARE": "SQ", "EXPRESSWAY": "EXPY", "TURNPIKE": "TPKE", "CRESCENT": "CRES",
	"EAST": "E", "WEST": "W", "NORTH": "N", "SOUTH": "S", "SAINT": "ST", "FLOOR": "FL", "APARTMENT": "APT",
	"AND": "&",
}

// NormalizeAddress writes an address one way, so that two spellings of
// the same address compare equal: full-width forms made half-width, case
// folded, punctuation made space, street suffixes and directions
// abbreviated (AVENUE → AVE, WEST → W), ordinals made numbers (22ND → 22),
// and the two streets of an intersection ("A & B") put in order. Chinese
// text keeps its characters with spaces and punctuation removed (北京路
// 12号 and 北京路12号 are one address). An address of nothing but spaces and
// punctuation is "".
func NormalizeAddress(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\u3000':
			r = ' '
		case r >= '\uFF01' && r <= '\uFF5E':
			r -= 0xFEE0
		}
		switch {
		case r == '&' || r == '＆':
			b.WriteString(" & ")
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToUpper(r))
		default:
			b.WriteByte(' ')
		}
	}
	parts := strings.Split(b.String(), "&")
	for i, p := range parts {
		parts[i] = normalizeWords(p)
	}
	if len(parts) > 1 {
		sort.Strings(parts)
	}
	out := strings.Join(parts, " & ")
	if strings.Trim(out, " &") == "" {
		return ""
	}
	return out
}

func normalizeWords(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		if a, ok := abbreviations[w]; ok {
			words[i] = a
			continue
		}
		words[i] = ordinal(w)
	}
	// Han characters need no spaces between them.
	var b strings.Builder
	for i, w := range words {
		if i > 0 && !(isHan(words[i-1]) || isHan(w)) {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	return b.String()
}

// ordinal turns 1ST, 22ND, 3RD and 4TH into their number.
func ordinal(w string) string {
	if len(w) < 3 {
		return w
	}
	n, suf := w[:len(w)-2], w[len(w)-2:]
	if suf != "ST" && suf != "ND" && suf != "RD" && suf != "TH" {
		return w
	}
	for _, r := range n {
		if r < '0' || r > '9' {
			return w
		}
	}
	return n
}

// isHan tells whether a word holds a Han character.
func isHan(w string) bool {
	for _, r := range w {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

package ruleset

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/disclosure"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/plaintext"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Format names the file format of a rule set; a file of another format is
// refused.
const Format = "gongzhi-rules/1"

// Limits of a document.
const (
	MaxFile    = 1 << 20 // bytes of a rule-set file
	MaxEntries = 2000
	MaxValue   = 200 // characters of a value
	MaxReason  = 500 // characters of an override's reason
	MaxNote    = 500 // characters of a version's note
)

// Section is a part of a rule set.
type Section string

const (
	Categories         Section = "categories"          // key: category code; value: its name
	TimeLimits         Section = "time_limits"         // key: category code or "*"; value: "sign,contact,complete" (2h,24h,5d)
	EvaluationWeights  Section = "evaluation_weights"  // key: response, resolution, satisfaction, k; value: 0 to 1
	CatalogueTemplates Section = "catalogue_templates" // key: category code; value: the kind of organisation that handles it
	DisclosureDefaults Section = "disclosure_defaults" // key: kind of item; value: its default disclosure level
)

// Sections lists the sections in the order documents keep them.
var Sections = []Section{Categories, TimeLimits, EvaluationWeights, CatalogueTemplates, DisclosureDefaults}

// AllCategories is the key of the time limits of every category without
// its own line.
const AllCategories = "*"

// WeightKeys are the keys of the evaluation's weights.
var WeightKeys = []string{"response", "resolution", "satisfaction", "k"}

func sectionRank(s Section) int {
	for i, x := range Sections {
		if x == s {
			return i
		}
	}
	return -1
}

// Entry is one rule: a value under a key of a section, and whether the
// levels below may override it (set by the publisher).
type Entry struct {
	Section     Section `json:"section"`
	Key         string  `json:"key"`
	Value       string  `json:"value"`
	Overridable bool    `json:"overridable"`
}

// ID is the entry's "section/key".
func (e Entry) ID() string { return string(e.Section) + "/" + e.Key }

// Document is a published version of a level's rule set, as it is stored,
// exported and imported.
type Document struct {
	Format      string  `json:"format"`
	AreaCode    string  `json:"area_code"`
	AreaName    string  `json:"area_name"`
	Version     int     `json:"version"`
	PublishedAt string  `json:"published_at"` // RFC 3339 in the business zone
	Note        string  `json:"note"`
	Entries     []Entry `json:"entries"`
	Checksum    string  `json:"checksum"` // "sha256:" and the hex digest of the document with this field empty
}

func sortEntries(es []Entry) {
	sort.SliceStable(es, func(i, j int) bool {
		if a, b := sectionRank(es[i].Section), sectionRank(es[j].Section); a != b {
			return a < b
		}
		return es[i].Key < es[j].Key
	})
}

func marshal(d Document) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, errs.Wrap(err, "encode rule set")
	}
	return buf.Bytes(), nil
}

func checksum(d Document) (string, error) {
	d.Checksum = ""
	b, err := marshal(d)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(h[:]), nil
}

// Encode returns the document's file: its entries in order, its checksum
// filled in. The same document always gives the same bytes.
func Encode(d Document) ([]byte, Document, error) {
	d.Format = Format
	d.Entries = append([]Entry(nil), d.Entries...)
	sortEntries(d.Entries)
	sum, err := checksum(d)
	if err != nil {
		return nil, d, err
	}
	d.Checksum = sum
	b, err := marshal(d)
	return b, d, err
}

var errBadFile = errs.Invalidf("规则集文件格式不正确", "the rule-set file is malformed")

// Decode reads and checks a rule-set file: its format, its checksum and
// every entry. Nothing is written; a bad file is an invalid-input error.
func Decode(b []byte) (Document, error) {
	if len(b) > MaxFile {
		return Document{}, errs.New(errs.TooLarge, "规则集文件不能超过1MB", "a rule-set file may have at most 1 MB")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var d Document
	if err := dec.Decode(&d); err != nil {
		return Document{}, errBadFile
	}
	if dec.More() {
		return Document{}, errBadFile
	}
	if d.Format != Format {
		return Document{}, errs.Invalidf("规则集文件格式须为 %s", "the rule-set file's format must be %s", Format)
	}
	sum, err := checksum(d)
	if err != nil {
		return Document{}, err
	}
	if d.Checksum != sum {
		return Document{}, errs.Invalidf("规则集文件校验和不符，文件可能被改动", "the rule-set file's checksum does not match: the file was changed")
	}
	if !gov.ValidCode(d.AreaCode) || d.Version < 1 {
		return Document{}, errs.Invalidf("规则集须有区划代码和版本号", "a rule set needs an area code and a version")
	}
	if err := checkText(d.AreaName, 100); err != nil {
		return Document{}, err
	}
	if err := checkText(d.Note, MaxNote); err != nil {
		return Document{}, err
	}
	return d, CheckEntries(d.Entries)
}

func checkText(s string, max int) error {
	if err := plaintext.Check(s); err != nil {
		return err
	}
	if utf8.RuneCountInString(s) > max {
		return errs.Invalidf("文字不能超过%d个字", "text may have at most %d characters", max)
	}
	return nil
}

// CheckEntries checks a whole set of entries: every entry's value, no entry
// twice, a category for every time limit and template, weights that sum to
// 1 when all three are given.
func CheckEntries(es []Entry) error {
	if len(es) > MaxEntries {
		return errs.Invalidf("规则集最多%d条", "a rule set may have at most %d entries", MaxEntries)
	}
	seen := map[string]bool{}
	cats := map[string]bool{}
	for _, e := range es {
		if e.Section == Categories {
			cats[e.Key] = true
		}
	}
	for _, e := range es {
		if seen[e.ID()] {
			return errs.Invalidf("规则 %s 重复", "entry %s is given twice", e.ID())
		}
		seen[e.ID()] = true
		if err := CheckValue(e.Section, e.Key, e.Value); err != nil {
			return err
		}
		if (e.Section == TimeLimits && e.Key != AllCategories || e.Section == CatalogueTemplates) && !cats[e.Key] {
			return errs.Invalidf("规则 %s 所指的分类不在本规则集中", "entry %s names a category the rule set does not have", e.ID())
		}
	}
	return checkWeights(es)
}

func checkWeights(es []Entry) error {
	sum, n := 0.0, 0
	for _, e := range es {
		if e.Section == EvaluationWeights && e.Key != "k" {
			f, _ := strconv.ParseFloat(e.Value, 64)
			sum += f
			n++
		}
	}
	if n == 3 && math.Abs(sum-1) > 1e-9 {
		return errs.Invalidf("三项考核权重之和须为1", "the three evaluation weights must sum to 1")
	}
	return nil
}

// CheckValue checks one entry's key and value for its section.
func CheckValue(sec Section, key, value string) error {
	if sectionRank(sec) < 0 {
		return errs.Invalidf("没有这一部分：%q", "no such section: %q", string(sec))
	}
	if err := checkText(value, MaxValue); err != nil {
		return err
	}
	bad := func() error {
		return errs.Invalidf("规则 %s/%s 的值不正确：%q", "entry %s/%s has a bad value: %q", string(sec), key, value)
	}
	switch sec {
	case Categories:
		if !gov.ValidCode(key) || strings.TrimSpace(value) == "" || utf8.RuneCountInString(value) > 50 {
			return bad()
		}
	case TimeLimits:
		if key != AllCategories && !gov.ValidCode(key) {
			return bad()
		}
		if _, err := parseLimits(value); err != nil {
			return bad()
		}
	case EvaluationWeights:
		f, err := strconv.ParseFloat(value, 64)
		if !knownWeight(key) || err != nil || math.IsNaN(f) || f < 0 || f > 1 {
			return bad()
		}
	case CatalogueTemplates:
		if !gov.ValidCode(key) || !knownKind(gov.OrgKind(value)) {
			return bad()
		}
	case DisclosureDefaults:
		if _, ok := disclosure.BuiltinDefaults[key]; !ok || !disclosure.Level(value).Valid() {
			return bad()
		}
	}
	return nil
}

func knownWeight(k string) bool {
	for _, x := range WeightKeys {
		if x == k {
			return true
		}
	}
	return false
}

func knownKind(k gov.OrgKind) bool {
	for _, x := range gov.OrgKinds {
		if x == k {
			return true
		}
	}
	return false
}

// parseLimits reads "2h,24h,5d": the sign, contact and complete limits.
func parseLimits(v string) ([3]ticket.Limit, error) {
	var out [3]ticket.Limit
	parts := strings.Split(v, ",")
	if len(parts) != 3 {
		return out, errs.Invalidf("时限须为 签收,联系,办结", "limits must be sign,contact,complete")
	}
	for i, p := range parts {
		l, err := ticket.ParseLimit(p)
		if err != nil {
			return out, err
		}
		out[i] = l
	}
	return out, nil
}

func formatLimits(sign, contact, complete ticket.Limit) string {
	return sign.String() + "," + contact.String() + "," + complete.String()
}

package transfer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/gongzhi/gongzhi/internal/ticket"
)

// Formats of ticket files gongzhi imports.
const (
	FormatOpen311 = "open311" // a GeoReport v2 GET requests answer in JSON: an array of service requests
	FormatNYC311  = "nyc311"  // NYC OpenData "311 Service Requests" CSV
	FormatLA311   = "la311"   // LA OpenData "MyLA311 Service Request Data" CSV
	FormatCSV     = "csv"     // any CSV, its columns named by the mapping
)

// Formats lists the formats.
var Formats = []string{FormatOpen311, FormatNYC311, FormatLA311, FormatCSV}

// Catalogue as an agency's target means: dispatch by our own catalogue.
const Catalogue = "catalogue"

// Target statuses a mapping may name. "open" becomes dispatched when the
// agency gives a unit (or the catalogue finds one) and registered otherwise.
const (
	TargetOpen    = "open"
	TargetClosed  = "closed"
	TargetInvalid = "invalid"
)

// Columns names the source columns a record is read from (CSV formats). A
// list of columns is joined, skipping empty values.
type Columns struct {
	ID           string   `json:"id"`
	Created      string   `json:"created"`
	Closed       string   `json:"closed"`
	Updated      string   `json:"updated"`
	Type         string   `json:"type"`
	Detail       []string `json:"detail"` // added to the description after the type
	Agency       string   `json:"agency"`
	Status       string   `json:"status"`
	Description  string   `json:"description"`
	Address      []string `json:"address"`      // joined with ", "
	Intersection []string `json:"intersection"` // joined with " & ", used when the first address column is empty
	Lat          string   `json:"lat"`
	Lng          string   `json:"lng"`
	Resolution   string   `json:"resolution"` // the source's answer, kept as the reply text
	Note         []string `json:"note"`       // kept as "column: value" in the import event's note
}

// Mapping says how another system's records become our tickets.
type Mapping struct {
	// Source names the system; with the external id it identifies a record
	// across runs. Defaults to the format.
	Source string `json:"source"`
	// TimeZone of the source's times without a zone; TimeFormat is a Go
	// layout for them (CSV formats; Open311 times are RFC 3339).
	TimeZone   string `json:"time_zone"`
	TimeFormat string `json:"time_format"`
	// DefaultAreaCode is where every ticket is placed; the original address
	// text and coordinates are kept as they are.
	DefaultAreaCode string `json:"default_area_code"`
	// DefaultKind is the kind of request; Kinds overrides it per request type.
	DefaultKind string            `json:"default_kind"`
	Kinds       map[string]string `json:"kinds"`
	// Categories maps a request type to our category code. A type missing
	// here takes DefaultCategory, or is rejected when that is empty.
	Categories      map[string]string `json:"categories"`
	DefaultCategory string            `json:"default_category"`
	// Agencies maps an agency to our org code or to "catalogue" (dispatch
	// by our rules); a missing agency takes DefaultAgency ("catalogue" when empty).
	Agencies      map[string]string `json:"agencies"`
	DefaultAgency string            `json:"default_agency"`
	// Statuses maps a source status to open, closed or invalid. A status
	// missing here is rejected.
	Statuses map[string]string `json:"statuses"`
	// Channel of the imported tickets for the csv format (open311, nyc311
	// and la311 tickets get "open311").
	Channel string `json:"channel"`
	// Columns for the csv format; nyc311 and la311 have defaults.
	Columns Columns `json:"columns"`
}

// presets are the column layouts, times and sources of the known formats.
var presets = map[string]Mapping{
	FormatNYC311: {Source: "nyc311", TimeZone: "America/New_York", TimeFormat: "01/02/2006 03:04:05 PM", Columns: Columns{
		ID: "Unique Key", Created: "Created Date", Closed: "Closed Date", Updated: "Resolution Action Updated Date",
		Type: "Complaint Type", Detail: []string{"Descriptor", "Location Type"}, Agency: "Agency", Status: "Status",
		Address: []string{"Incident Address", "City", "Incident Zip"}, Intersection: []string{"Intersection Street 1", "Intersection Street 2"},
		Lat: "Latitude", Lng: "Longitude", Resolution: "Resolution Description",
		Note: []string{"Agency Name", "Open Data Channel Type", "Borough", "Community Board"}}},
	FormatLA311: {Source: "la311", TimeZone: "America/Los_Angeles", TimeFormat: "01/02/2006 03:04:05 PM", Columns: Columns{
		ID: "SRNumber", Created: "CreatedDate", Closed: "ClosedDate", Updated: "UpdatedDate",
		Type: "RequestType", Agency: "Owner", Status: "Status", Address: []string{"Address"},
		Lat: "Latitude", Lng: "Longitude", Note: []string{"RequestSource", "AssignTo", "NCName", "PolicePrecinct"}}},
	FormatOpen311: {Source: "open311", TimeFormat: time.RFC3339},
	FormatCSV:     {TimeZone: "Asia/Shanghai", TimeFormat: "2006-01-02 15:04:05", Channel: string(ticket.ChannelHotline)},
}

// LoadMapping reads a mapping file for a format and fills in the format's
// defaults; it checks the mapping's own shape (the database checks the codes).
func LoadMapping(path, format string) (Mapping, error) {
	preset, ok := presets[format]
	if !ok {
		return Mapping{}, fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(Formats, ", "))
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return Mapping{}, fmt.Errorf("mapping: %w", err)
	}
	var m Mapping
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return Mapping{}, fmt.Errorf("mapping %s is not valid: %w", path, err)
	}
	if m.Source == "" {
		m.Source = preset.Source
	}
	if m.Source == "" {
		m.Source = format
	}
	if m.TimeZone == "" {
		m.TimeZone = preset.TimeZone
	}
	if m.TimeFormat == "" {
		m.TimeFormat = preset.TimeFormat
	}
	if m.Channel == "" {
		m.Channel = preset.Channel
	}
	if format != FormatCSV {
		m.Channel = string(ticket.ChannelOpen311)
	}
	c, p := &m.Columns, preset.Columns
	fill := func(dst *string, def string) {
		if *dst == "" {
			*dst = def
		}
	}
	fill(&c.ID, p.ID)
	fill(&c.Created, p.Created)
	fill(&c.Closed, p.Closed)
	fill(&c.Updated, p.Updated)
	fill(&c.Type, p.Type)
	fill(&c.Agency, p.Agency)
	fill(&c.Status, p.Status)
	fill(&c.Description, p.Description)
	fill(&c.Lat, p.Lat)
	fill(&c.Lng, p.Lng)
	fill(&c.Resolution, p.Resolution)
	if c.Detail == nil {
		c.Detail = p.Detail
	}
	if c.Address == nil {
		c.Address = p.Address
	}
	if c.Intersection == nil {
		c.Intersection = p.Intersection
	}
	if c.Note == nil {
		c.Note = p.Note
	}
	if m.DefaultAgency == "" {
		m.DefaultAgency = Catalogue
	}
	if m.DefaultKind == "" {
		m.DefaultKind = string(ticket.KindComplaint)
	}
	return m, m.check(format)
}

func (m *Mapping) check(format string) error {
	var problems []string
	bad := func(f string, a ...any) { problems = append(problems, fmt.Sprintf(f, a...)) }
	if m.DefaultAreaCode == "" {
		bad("default_area_code is required")
	}
	if len(m.Categories) == 0 && m.DefaultCategory == "" {
		bad("categories is empty and there is no default_category")
	}
	if len(m.Statuses) == 0 {
		bad("statuses is empty")
	}
	for k, v := range m.Statuses {
		if v != TargetOpen && v != TargetClosed && v != TargetInvalid {
			bad("statuses[%q] = %q: must be open, closed or invalid", k, v)
		}
	}
	if !validKind(m.DefaultKind) {
		bad("default_kind %q is not a kind", m.DefaultKind)
	}
	for k, v := range m.Kinds {
		if !validKind(v) {
			bad("kinds[%q] = %q is not a kind", k, v)
		}
	}
	okChannel := false
	for _, c := range ticket.Channels {
		okChannel = okChannel || string(c) == m.Channel
	}
	if !okChannel {
		bad("channel %q is not a channel", m.Channel)
	}
	if _, err := time.LoadLocation(m.TimeZone); err != nil {
		bad("time_zone %q: %v", m.TimeZone, err)
	}
	if format != FormatOpen311 {
		if m.Columns.ID == "" || m.Columns.Created == "" || m.Columns.Type == "" || m.Columns.Status == "" {
			bad("columns.id, columns.created, columns.type and columns.status are required")
		}
		if m.TimeFormat == "" {
			bad("time_format is required")
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("mapping is not valid: %s", strings.Join(problems, "; "))
	}
	return nil
}

func validKind(k string) bool {
	for _, x := range ticket.Kinds {
		if string(x) == k {
			return true
		}
	}
	return false
}

// codes lists the category, org and area codes a mapping names, for checking
// against the database.
func (m *Mapping) codes() (cats, orgs []string) {
	seen := map[string]bool{}
	for _, c := range m.Categories {
		if !seen["c"+c] {
			seen["c"+c] = true
			cats = append(cats, c)
		}
	}
	if m.DefaultCategory != "" && !seen["c"+m.DefaultCategory] {
		cats = append(cats, m.DefaultCategory)
	}
	for _, o := range m.Agencies {
		if o != Catalogue && !seen["o"+o] {
			seen["o"+o] = true
			orgs = append(orgs, o)
		}
	}
	if m.DefaultAgency != Catalogue && !seen["o"+m.DefaultAgency] {
		orgs = append(orgs, m.DefaultAgency)
	}
	return cats, orgs
}

package transfer

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// record is one request as another system wrote it, before mapping.
type record struct {
	row  int // 1 for the first record (the header is not counted)
	line int // line of the file where it starts; 0 when not known
	// problem is set when the record could not be read at all.
	problem string

	id, typ, altType, agency, status string
	created, closed, updated         string
	detail                           []string
	description, address             string
	lat, lng, resolution             string
	notes                            []string
}

// recordReader yields records until io.EOF.
type recordReader interface {
	next() (record, error)
}

// csvReader reads a CSV file whose columns the mapping names.
type csvReader struct {
	r     *csv.Reader
	cols  Columns
	index map[string]int
	width int
	row   int
}

func newCSVReader(in io.Reader, cols Columns, format string) (*csvReader, error) {
	r := csv.NewReader(in)
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	header, err := r.Read()
	if err == io.EOF {
		return nil, errors.New("the file is empty")
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the header row: %w", err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\uFEFF")
	}
	index := map[string]int{}
	for i, h := range header {
		index[strings.TrimSpace(h)] = i
	}
	var missing []string
	need := []string{cols.ID, cols.Created, cols.Type, cols.Status}
	for _, c := range need {
		if _, ok := index[c]; !ok {
			missing = append(missing, strconv.Quote(c))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the header has no column %s: is this a %s file, or does the mapping name the wrong columns? (header: %s)",
			strings.Join(missing, ", "), format, strings.Join(header[:min(len(header), 8)], ","))
	}
	return &csvReader{r: r, cols: cols, index: index, width: len(header)}, nil
}

func (c *csvReader) field(rec []string, col string) string {
	i, ok := c.index[col]
	if !ok || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

func (c *csvReader) fields(rec []string, cols []string) []string {
	var out []string
	for _, col := range cols {
		if v := c.field(rec, col); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func (c *csvReader) next() (record, error) {
	rec, err := c.r.Read()
	if err == io.EOF {
		return record{}, io.EOF
	}
	c.row++
	out := record{row: c.row}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		out.line, out.problem = pe.StartLine, "the row is not valid CSV: "+pe.Err.Error()
		return out, nil
	}
	if err != nil {
		return out, err
	}
	out.line, _ = c.r.FieldPos(0)
	if len(rec) != c.width {
		out.problem = fmt.Sprintf("the row has %d fields, the header %d", len(rec), c.width)
		return out, nil
	}
	for _, f := range rec {
		if !utf8.ValidString(f) {
			out.problem = "the row is not valid UTF-8"
			return out, nil
		}
	}
	cols := c.cols
	out.id = c.field(rec, cols.ID)
	out.typ = c.field(rec, cols.Type)
	out.agency = c.field(rec, cols.Agency)
	out.status = c.field(rec, cols.Status)
	out.created = c.field(rec, cols.Created)
	out.closed = c.field(rec, cols.Closed)
	out.updated = c.field(rec, cols.Updated)
	out.detail = c.fields(rec, cols.Detail)
	out.description = c.field(rec, cols.Description)
	addr := c.fields(rec, cols.Address)
	if len(cols.Address) > 0 && c.field(rec, cols.Address[0]) == "" {
		if x := c.fields(rec, cols.Intersection); len(x) > 0 {
			addr = append([]string{strings.Join(x, " & ")}, addr...)
		}
	}
	out.address = strings.Join(addr, ", ")
	out.lat = c.field(rec, cols.Lat)
	out.lng = c.field(rec, cols.Lng)
	out.resolution = c.field(rec, cols.Resolution)
	for _, col := range cols.Note {
		if v := c.field(rec, col); v != "" {
			out.notes = append(out.notes, col+": "+v)
		}
	}
	return out, nil
}

// open311Reader streams the service requests of a GeoReport v2 JSON answer.
type open311Reader struct {
	dec *json.Decoder
	row int
}

// georeportRequest is a service request as GeoReport v2 lists it.
type georeportRequest struct {
	ServiceRequestID  json.RawMessage `json:"service_request_id"`
	Status            string          `json:"status"`
	StatusNotes       string          `json:"status_notes"`
	ServiceName       string          `json:"service_name"`
	ServiceCode       json.RawMessage `json:"service_code"`
	Description       string          `json:"description"`
	AgencyResponsible string          `json:"agency_responsible"`
	ServiceNotice     string          `json:"service_notice"`
	RequestedDatetime string          `json:"requested_datetime"`
	UpdatedDatetime   string          `json:"updated_datetime"`
	ExpectedDatetime  string          `json:"expected_datetime"`
	Address           string          `json:"address"`
	AddressID         json.RawMessage `json:"address_id"`
	Zipcode           json.RawMessage `json:"zipcode"`
	Lat               json.RawMessage `json:"lat"`
	Long              json.RawMessage `json:"long"`
	MediaURL          string          `json:"media_url"`
}

func newOpen311Reader(in io.Reader) (*open311Reader, error) {
	dec := json.NewDecoder(in)
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("not a GeoReport v2 JSON list of requests: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, errors.New("not a GeoReport v2 JSON list of requests: it must start with [")
	}
	return &open311Reader{dec: dec}, nil
}

// scalar turns a JSON string or number into its text.
func scalar(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	return strings.TrimSpace(string(raw))
}

func (o *open311Reader) next() (record, error) {
	if !o.dec.More() {
		if _, err := o.dec.Token(); err != nil {
			return record{}, fmt.Errorf("the list of requests does not end properly: %w", err)
		}
		return record{}, io.EOF
	}
	o.row++
	var g georeportRequest
	if err := o.dec.Decode(&g); err != nil {
		// A broken element leaves the decoder nowhere to resume from.
		return record{}, fmt.Errorf("request %d is not valid JSON: %w", o.row, err)
	}
	r := record{row: o.row, id: scalar(g.ServiceRequestID), typ: scalar(g.ServiceCode), altType: g.ServiceName,
		agency: g.AgencyResponsible, status: g.Status, created: g.RequestedDatetime, updated: g.UpdatedDatetime,
		description: strings.TrimSpace(g.Description), address: strings.TrimSpace(g.Address),
		lat: scalar(g.Lat), lng: scalar(g.Long), resolution: strings.TrimSpace(g.StatusNotes)}
	if r.typ == "" {
		r.typ = g.ServiceName
	}
	if strings.EqualFold(g.Status, "closed") {
		r.closed = g.UpdatedDatetime
	}
	if z := scalar(g.Zipcode); z != "" && r.address != "" {
		r.address += ", " + z
	}
	if g.ServiceName != "" {
		r.notes = append(r.notes, "service_name: "+g.ServiceName)
	}
	if g.MediaURL != "" {
		r.notes = append(r.notes, "media_url: "+g.MediaURL)
	}
	return r, nil
}

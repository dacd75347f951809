package transfer

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// IntakeRecord is what a record of a ticket file said when the request was
// made: never its status, dates after creation, agency or answer, so that
// what reads it (the duplicate finder) cannot learn from the outcome.
type IntakeRecord struct {
	Row     int    // 1 for the first record
	Problem string // why the record could not be read; the rest is then empty
	ID      string
	Created time.Time
	Type    string   // the request type
	Detail  []string // Open311's service name; the mapping's detail columns (NYC: descriptor, location type)
	Text    string   // the description
	Address string
	Lat     float64
	Lng     float64
	HasLoc  bool
}

// PresetMapping is the mapping of a known format with no mapping file: its
// columns, time format and zone. The csv format has none and needs a file.
func PresetMapping(format string) (Mapping, error) {
	p, ok := presets[format]
	if !ok {
		return Mapping{}, fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(Formats, ", "))
	}
	if format == FormatCSV {
		return Mapping{}, fmt.Errorf("the csv format needs --mapping naming its columns")
	}
	return p, nil
}

// ReadIntake reads the records of a file of format, calling fn for each in
// file order. A record that cannot be read, has no id or whose creation time
// cannot be parsed comes with Problem set. An error of fn, or a file that
// cannot be read on at all, ends the reading.
func ReadIntake(in io.Reader, format string, m Mapping, fn func(IntakeRecord) error) error {
	loc, err := time.LoadLocation(m.TimeZone)
	if err != nil {
		return fmt.Errorf("mapping time_zone: %w", err)
	}
	var rr recordReader
	switch format {
	case FormatOpen311:
		rr, err = newOpen311Reader(in)
	case FormatNYC311, FormatLA311, FormatCSV:
		rr, err = newCSVReader(in, m.Columns, format)
	default:
		return fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(Formats, ", "))
	}
	if err != nil {
		return err
	}
	for {
		r, err := rr.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(intakeOf(r, m, loc)); err != nil {
			return err
		}
	}
}

func intakeOf(r record, m Mapping, loc *time.Location) IntakeRecord {
	out := IntakeRecord{Row: r.row}
	switch {
	case r.problem != "":
		out.Problem = r.problem
		return out
	case r.id == "":
		out.Problem = "the record has no id"
		return out
	}
	created, err := time.Parse(time.RFC3339, r.created)
	if err != nil {
		created, err = time.ParseInLocation(m.TimeFormat, r.created, loc)
	}
	if err != nil {
		out.Problem = fmt.Sprintf("created date %q is not a time of the form %q", r.created, m.TimeFormat)
		return out
	}
	out.ID, out.Created, out.Type, out.Detail = r.id, created, r.typ, r.detail
	if out.Type == "" {
		out.Type = r.altType
	} else if r.altType != "" && r.altType != r.typ {
		// Open311's service name tells what its code does not.
		out.Detail = append([]string{r.altType}, out.Detail...)
	}
	out.Text, out.Address = r.description, r.address
	lat, okLat := coord(r.lat, 90)
	lng, okLng := coord(r.lng, 180)
	if okLat && okLng {
		out.Lat, out.Lng, out.HasLoc = lat, lng, true
	}
	return out
}

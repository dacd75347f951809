package opendata

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/gongzhi/gongzhi/internal/transfer"
)

// Media types of the distributions.
const (
	CSVType  = "text/csv"
	JSONType = "application/json"
	XLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	LDType   = "application/ld+json"
)

// Formats are the file formats of every dataset, by extension.
var Formats = []string{"csv", "json", "xlsx"}

// MediaType is the media type of a format.
func MediaType(format string) string {
	switch format {
	case "csv":
		return CSVType
	case "json":
		return JSONType
	case "xlsx":
		return XLSXType
	}
	return ""
}

// text is a value as a CSV cell holds it: empty for none, numbers and
// booleans as JSON writes them, text made harmless to spreadsheets.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return transfer.CSVCell(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

// WriteCSV writes the dataset as CSV in UTF-8 with a byte-order mark (so
// that spreadsheets read the Chinese right), a header of the field names,
// and every text cell through transfer.CSVCell.
func WriteCSV(w io.Writer, t Table) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	head := make([]string, len(t.Fields))
	for i, f := range t.Fields {
		head[i] = f.Name
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	rec := make([]string, len(t.Fields))
	for _, r := range t.Records {
		for i, v := range r {
			rec[i] = text(v)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// File is the JSON download: the catalogue entry and every row.
type File struct {
	Dataset
	Items []map[string]any `json:"items"`
}

// WriteJSON writes the dataset as one JSON document.
func WriteJSON(w io.Writer, t Table) error {
	out := File{Dataset: t.Dataset, Items: make([]map[string]any, 0, len(t.Records))}
	for i := range t.Records {
		out.Items = append(out.Items, t.Object(i))
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// WriteXLSX writes the dataset as a workbook: a sheet of the rows under the
// field names, and a sheet describing the fields.
func WriteXLSX(w io.Writer, t Table) error {
	x := excelize.NewFile()
	defer x.Close()
	const sheet, about = "数据", "字段说明"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	head := make([]any, len(t.Fields))
	for i, f := range t.Fields {
		head[i] = f.Name
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	for n, r := range t.Records {
		row := make([]any, len(r))
		for i, v := range r {
			if v != nil {
				row[i] = v
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, n+2)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if _, err := x.NewSheet(about); err != nil {
		return err
	}
	x.SetSheetRow(about, "A1", &[]any{"字段 / Field", "类型 / Type", "名称 / Title", "说明", "Description"})
	for i, f := range t.Fields {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		x.SetSheetRow(about, cell, &[]any{f.Name, f.Type, f.Title, f.Description, f.DescriptionEn})
	}
	return x.Write(w)
}

// FileURL is where a dataset is downloaded in a format.
func FileURL(base, id, format string) string { return base + "/opendata/" + id + "." + format }

// APIURL is the dataset's paged JSON API.
func APIURL(base, id string) string { return base + "/api/v1/opendata/datasets/" + id + "/records" }

// Catalog is the catalogue as DCAT in JSON-LD.
func Catalog(base, publisher string, ds []Dataset) map[string]any {
	sets := make([]map[string]any, 0, len(ds))
	for _, d := range ds {
		var dist []map[string]any
		for _, f := range Formats {
			dist = append(dist, map[string]any{"@type": "dcat:Distribution", "dct:title": d.Title + "（" + strings.ToUpper(f) + "）",
				"dct:format": strings.ToUpper(f), "downloadURL": FileURL(base, d.ID, f), "accessURL": FileURL(base, d.ID, f), "mediaType": MediaType(f),
				"dct:license": d.Licence})
		}
		sets = append(sets, map[string]any{
			"@id": base + "/opendata#" + d.ID, "@type": "dcat:Dataset", "dct:identifier": d.ID,
			"dct:title": d.Title, "dct:description": d.Description, "dct:license": d.Licence,
			"dct:accrualPeriodicity": d.Frequency, "dct:modified": d.Modified.Format("2006-01-02"),
			"dct:publisher": publisher, "keywords": d.Keywords, "distribution": dist,
			"dcat:landingPage": base + "/opendata#" + d.ID, "fields": d.Fields,
			"api": APIURL(base, d.ID),
		})
	}
	return map[string]any{
		"@context": map[string]any{
			"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
			"keywords": "dcat:keyword", "distribution": "dcat:distribution",
			"downloadURL": map[string]string{"@id": "dcat:downloadURL", "@type": "@id"},
			"accessURL":   map[string]string{"@id": "dcat:accessURL", "@type": "@id"},
			"mediaType":   "dcat:mediaType",
		},
		"@id": base + "/opendata/catalog.json", "@type": "dcat:Catalog",
		"dct:title": publisher + "数据开放目录", "dct:description": "接诉即办、考核评价、邻里服务和居民提议的开放数据。",
		"dct:publisher": publisher, "dct:language": "zh-CN", "dcat:dataset": sets,
	}
}

// WriteCatalogCSV writes the catalogue as CSV, one dataset a row.
func WriteCatalogCSV(w io.Writer, base string, ds []Dataset) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"id", "title", "title_en", "description", "licence", "frequency", "modified", "keywords", "fields", "csv_url", "json_url", "xlsx_url", "api_url"})
	for _, d := range ds {
		var names []string
		for _, f := range d.Fields {
			names = append(names, f.Name+":"+f.Type)
		}
		cw.Write([]string{d.ID, transfer.CSVCell(d.Title), transfer.CSVCell(d.TitleEn), transfer.CSVCell(d.Description), d.Licence, d.Frequency,
			d.Modified.Format("2006-01-02"), transfer.CSVCell(strings.Join(d.Keywords, ";")), strings.Join(names, ";"),
			FileURL(base, d.ID, "csv"), FileURL(base, d.ID, "json"), FileURL(base, d.ID, "xlsx"), APIURL(base, d.ID)})
	}
	cw.Flush()
	return cw.Error()
}

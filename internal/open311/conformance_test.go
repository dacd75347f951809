package open311_test

import (
	"math"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/db/dbtest"
)

// Field names in the order the specification lists them.
var (
	serviceFields    = []string{"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
	attributeFields  = []string{"variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"}
	requestFields    = []string{"service_request_id", "status", "status_notes", "service_name", "service_code", "description", "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}
	discoveryFields  = []string{"changeset", "contact", "key_service", "endpoints"}
	endpointFields   = []string{"specification", "url", "changeset", "type", "formats"}
	allDatatypes     = []string{"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}
	personalFragment = []string{"13912345678", "zhang.san@example.com", "三丰", "device-XYZ", "acct-42"}
)

func keys(m map[string]any) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}

func wantKeys(t *testing.T, what string, m map[string]any, want []string) {
	t.Helper()
	k := keys(m)
	for _, f := range want {
		if !k[f] {
			t.Errorf("%s lacks %q: %v", what, f, m)
		}
	}
}

func wantW3C(t *testing.T, what, s string) {
	t.Helper()
	if _, err := time.Parse(time.RFC3339, s); err != nil || !(strings.HasSuffix(s, "Z") || strings.Contains(s[10:], "+") || strings.Contains(s[10:], "-")) {
		t.Errorf("%s %q is not a W3C datetime with a zone", what, s)
	}
}

// newRequestForm is a full POST as the specification's example sends it.
func (e *env) newRequestForm(key string) url.Values {
	return url.Values{
		"api_key": {key}, "jurisdiction_id": {"pinggu.gov.cn"}, "service_code": {"0304"},
		"lat": {"40.1406"}, "long": {"117.1213"}, "address_string": {"平谷区府前街12号"},
		"email": {"zhang.san@example.com"}, "device_id": {"device-XYZ"}, "account_id": {"acct-42"},
		"first_name": {"三丰"}, "last_name": {"张"}, "phone": {"13912345678"},
		"description":            {"路灯不亮已经三天了，晚上很黑。"},
		"media_url":              {"https://img.example.com/p/1.jpg"},
		"attribute[problem]":     {"out"},
		"attribute[pole_number]": {"PG-0123"},
		"attribute[noticed_at]":  {"2026-02-27T20:00:00+08:00"},
	}
}

func TestConformanceJSON(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)

		// discovery
		r := e.get("/open311/v2/discovery.json")
		if r.status != 200 || r.ctype != ctypeJSON {
			t.Fatalf("discovery: %d %s", r.status, r.ctype)
		}
		var disc map[string]any
		mustJSON(t, r.body, &disc)
		wantKeys(t, "discovery", disc, discoveryFields)
		eps := disc["endpoints"].([]any)
		ep := eps[0].(map[string]any)
		wantKeys(t, "endpoint", ep, endpointFields)
		if ep["specification"] != "http://wiki.open311.org/GeoReport_v2" || ep["url"] != "https://gongzhi.example.gov.cn/open311/v2" {
			t.Errorf("endpoint %v", ep)
		}
		if !reflect.DeepEqual(ep["formats"], []any{"text/xml", "application/json"}) {
			t.Errorf("formats %v", ep["formats"])
		}

		// services: leaves only, grouped by top-level class
		r = e.get("/open311/v2/services.json?jurisdiction_id=pinggu.gov.cn")
		if r.status != 200 || r.ctype != ctypeJSON {
			t.Fatalf("services: %d %s", r.status, r.ctype)
		}
		svcs := r.list(t)
		if len(svcs) < 30 {
			t.Fatalf("only %d services", len(svcs))
		}
		byCode := map[string]map[string]any{}
		for _, s := range svcs {
			wantKeys(t, "service", s, serviceFields)
			code, _ := s["service_code"].(string)
			if len(code) != 4 {
				t.Errorf("service %q is not a leaf category", code)
			}
			if _, ok := s["metadata"].(bool); !ok {
				t.Errorf("metadata is not boolean: %v", s)
			}
			if s["type"] != "realtime" {
				t.Errorf("type %v", s["type"])
			}
			if _, ok := s["keywords"].(string); !ok {
				t.Errorf("keywords is not a string: %v", s)
			}
			byCode[code] = s
		}
		if byCode["0304"]["metadata"] != true || byCode["0101"]["metadata"] != false {
			t.Errorf("metadata flags: %v %v", byCode["0304"], byCode["0101"])
		}
		if byCode["0101"]["group"] != "市容环境" {
			t.Errorf("group of 0101 = %v", byCode["0101"]["group"])
		}

		// service definitions: every datatype appears
		seen := map[string]bool{}
		for _, code := range []string{"0301", "0304", "0901", "0101"} {
			r = e.get("/open311/v2/services/" + code + ".json")
			if r.status != 200 || r.ctype != ctypeJSON {
				t.Fatalf("definition %s: %d", code, r.status)
			}
			var def map[string]any
			mustJSON(t, r.body, &def)
			if def["service_code"] != code {
				t.Errorf("definition code %v", def["service_code"])
			}
			attrs, ok := def["attributes"].([]any)
			if !ok {
				t.Fatalf("attributes is not a list: %s", r.body)
			}
			for _, x := range attrs {
				a := x.(map[string]any)
				wantKeys(t, "attribute", a, attributeFields)
				seen[a["datatype"].(string)] = true
				if _, ok := a["order"].(float64); !ok {
					t.Errorf("order is not a number: %v", a)
				}
				for _, v := range a["values"].([]any) {
					wantKeys(t, "value", v.(map[string]any), []string{"key", "name"})
				}
			}
		}
		for _, dt := range allDatatypes {
			if !seen[dt] {
				t.Errorf("no demo attribute of datatype %s", dt)
			}
		}

		// POST requests
		r = e.post("/open311/v2/requests.json", e.newRequestForm(e.appKey))
		if r.status != 201 || r.ctype != ctypeJSON {
			t.Fatalf("post: %d %s", r.status, r.body)
		}
		made := r.list(t)
		if len(made) != 1 {
			t.Fatalf("post answer %s", r.body)
		}
		wantKeys(t, "post answer", made[0], []string{"service_request_id", "service_notice", "account_id"})
		id, _ := made[0]["service_request_id"].(string)
		if id == "" || made[0]["account_id"] != nil {
			t.Fatalf("post answer %v", made[0])
		}
		if _, has := made[0]["token"]; has {
			t.Error("token returned with service_request_id")
		}

		// GET requests and requests/{id}: fields, types, no personal data
		for _, path := range []string{"/open311/v2/requests.json", "/open311/v2/requests/" + id + ".json", "/open311/v2/requests.json?extensions=true"} {
			r = e.get(path)
			if r.status != 200 || r.ctype != ctypeJSON {
				t.Fatalf("%s: %d", path, r.status)
			}
			for _, p := range personalFragment {
				if strings.Contains(string(r.body), p) {
					t.Errorf("%s leaks %q: %s", path, p, r.body)
				}
			}
			list := r.list(t)
			if len(list) != 1 {
				t.Fatalf("%s: %d requests", path, len(list))
			}
			q := list[0]
			wantKeys(t, "request", q, requestFields)
			if q["service_request_id"] != id || q["status"] != "open" || q["service_code"] != "0304" || q["service_name"] != "路灯照明" {
				t.Errorf("request %v", q)
			}
			if q["agency_responsible"] != "平谷区城市管理委员会" {
				t.Errorf("agency_responsible %v (dispatched by the catalogue?)", q["agency_responsible"])
			}
			// Rounded to the public precision, about 100 m.
			if lat, ok := q["lat"].(float64); !ok || math.Abs(lat-40.1406) > 0.0005 {
				t.Errorf("lat %v", q["lat"])
			}
			if _, ok := q["long"].(float64); !ok {
				t.Errorf("long %v", q["long"])
			}
			if q["media_url"] != "https://img.example.com/p/1.jpg" || q["zipcode"] != "" {
				t.Errorf("media_url/zipcode %v %v", q["media_url"], q["zipcode"])
			}
			for _, f := range []string{"requested_datetime", "updated_datetime"} {
				wantW3C(t, f, q[f].(string))
			}
			if q["expected_datetime"] != nil { // null until the unit signs
				t.Errorf("expected_datetime %v before signing", q["expected_datetime"])
			}
			_, ext := q["extended_attributes"]
			if ext != strings.Contains(path, "extensions") {
				t.Errorf("%s: extended_attributes present = %v", path, ext)
			}
		}

		// tokens: we never issue any, but a service_request_id comes back
		r = e.get("/open311/v2/tokens/" + id + ".json")
		if r.status != 200 {
			t.Fatalf("token: %d %s", r.status, r.body)
		}
		tok := r.list(t)
		wantKeys(t, "token", tok[0], []string{"service_request_id", "token"})
		wantError(t, e.get("/open311/v2/tokens/NOPE1234.json"), "json", 404)
	})
}

func TestConformanceXML(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		check := func(path string, root, item string, fields []string) node {
			t.Helper()
			r := e.get(path)
			if r.status != 200 || r.ctype != ctypeXML {
				t.Fatalf("%s: %d %s\n%s", path, r.status, r.ctype, r.body)
			}
			n := r.xml(t)
			if n.XMLName.Local != root {
				t.Fatalf("%s: root <%s>, want <%s>", path, n.XMLName.Local, root)
			}
			if item != "" {
				if len(n.Children) == 0 {
					t.Fatalf("%s: empty", path)
				}
				for _, c := range n.Children {
					if c.XMLName.Local != item {
						t.Fatalf("%s: <%s> inside <%s>", path, c.XMLName.Local, root)
					}
					if got := c.names(); !prefixIn(got, fields) {
						t.Fatalf("%s: <%s> has %v, want %v", path, item, got, fields)
					}
				}
			}
			return n
		}
		n := check("/open311/v2/discovery.xml", "discovery", "", nil)
		if !reflect.DeepEqual(n.names(), discoveryFields) {
			t.Errorf("discovery fields %v", n.names())
		}
		eps, _ := n.child("endpoints")
		ep, _ := eps.child("endpoint")
		if !reflect.DeepEqual(ep.names(), endpointFields) {
			t.Errorf("endpoint fields %v", ep.names())
		}
		check("/open311/v2/services.xml", "services", "service", serviceFields)
		def := check("/open311/v2/services/0301.xml", "service_definition", "", nil)
		if !reflect.DeepEqual(def.names(), []string{"service_code", "attributes"}) {
			t.Errorf("definition %v", def.names())
		}
		attrs, _ := def.child("attributes")
		for _, a := range attrs.Children {
			if a.XMLName.Local != "attribute" || !prefixIn(a.names(), attributeFields) {
				t.Errorf("attribute %v", a.names())
			}
		}
		first := attrs.Children[0]
		vals, ok := first.child("values")
		if !ok || len(vals.Children) != 5 || !reflect.DeepEqual(vals.Children[0].names(), []string{"key", "name"}) {
			t.Errorf("values of the first attribute: %+v", vals)
		}

		r := e.post("/open311/v2/requests.xml", e.newRequestForm(e.appKey))
		if r.status != 201 || r.ctype != ctypeXML {
			t.Fatalf("post: %d %s", r.status, r.body)
		}
		made := r.xml(t)
		req, _ := made.child("request")
		if made.XMLName.Local != "service_requests" || !prefixIn(req.names(), []string{"service_request_id", "service_notice"}) {
			t.Fatalf("post answer %s", r.body)
		}
		idNode, _ := req.child("service_request_id")
		id := idNode.Text

		check("/open311/v2/requests.xml", "service_requests", "request", requestFields)
		one := check("/open311/v2/requests/"+id+".xml?extensions=true", "service_requests", "request", append(requestFields, "extended_attributes", "notes"))
		rq := one.Children[0]
		for _, p := range personalFragment {
			if strings.Contains(string(e.get("/open311/v2/requests/"+id+".xml?extensions=true").body), p) {
				t.Errorf("XML leaks %q", p)
			}
		}
		st, _ := rq.child("status")
		lat, _ := rq.child("lat")
		if la, err := strconv.ParseFloat(lat.Text, 64); st.Text != "open" || err != nil || math.Abs(la-40.1406) > 0.0005 {
			t.Errorf("status %q lat %q", st.Text, lat.Text)
		}
		notes, _ := rq.child("notes")
		if len(notes.Children) == 0 || !reflect.DeepEqual(notes.Children[0].names(), []string{"datetime", "summary", "description", "type"}) {
			t.Errorf("notes %+v", notes)
		}
		check("/open311/v2/tokens/"+id+".xml", "service_requests", "request", []string{"service_request_id", "token"})
	})
}

// prefixIn reports whether got is exactly want, or want followed by more
// (extension) elements.
func prefixIn(got, want []string) bool {
	if len(got) < len(want) {
		return false
	}
	return reflect.DeepEqual(got[:len(want)], want)
}

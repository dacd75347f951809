package ticket

import (
	"context"
	"strings"

	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
)

// Every problem of a submission at once, by field, so a form can show each
// beside its field; the API keeps answering with the first.

// Fields of a submission that problems are reported against. FieldPlace is
// the place as a whole (area, address or location); FieldForm is the
// submission as a whole (who may file it).
const (
	FieldKind     = "kind"
	FieldCategory = "category_code"
	FieldText     = "description"
	FieldPlace    = "place"
	FieldArea     = "area_code"
	FieldAddress  = "address"
	FieldLocation = "lat"
	FieldName     = "reporter_name"
	FieldPhone    = "reporter_phone"
	FieldUrgency  = "urgency"
	FieldChannel  = "channel"
	FieldForm     = "form"
	// FieldRequester is whom the request is for and the enterprise's
	// unified social credit code.
	FieldRequester = "credit_code"
)

// fieldOrder is the order problems are reported in: the first is the one
// error the API returns.
var fieldOrder = []string{FieldForm, FieldKind, FieldCategory, FieldText, FieldAddress, FieldName, FieldLocation, FieldPlace,
	FieldArea, FieldPhone, FieldUrgency, FieldChannel, FieldRequester}

// FieldErrors are the problems of a submission by field, one each.
type FieldErrors map[string]*errs.Error

// add keeps the first problem of a field.
func (f FieldErrors) add(field string, err error) {
	if err == nil || f[field] != nil {
		return
	}
	f[field] = errs.As(err)
}

// Err returns the first problem in fieldOrder, or nil when there is none.
func (f FieldErrors) Err() error {
	for _, k := range fieldOrder {
		if e := f[k]; e != nil {
			return e
		}
	}
	return nil
}

// Fields returns the fields with a problem, in fieldOrder.
func (f FieldErrors) Fields() []string {
	var out []string
	for _, k := range fieldOrder {
		if f[k] != nil {
			out = append(out, k)
		}
	}
	return out
}

// MayLeaveCategory reports whether actor may file a request without a
// category, for the dispatchers to classify: residents and guests, who need
// not know the government's category tree. Staff choose one.
func MayLeaveCategory(actor *auth.User) bool {
	return actor == nil || actor.Role == auth.RoleResident
}

// Validate returns every problem Create would refuse the submission for,
// by field, without writing anything; empty when it would accept it.
func (s *Service) Validate(ctx context.Context, actor *auth.User, in NewTicket) FieldErrors {
	f := in.checkAll(actor)
	if actor != nil && actor.Role != auth.RoleResident && !CanCreate(*actor) {
		f.add(FieldForm, errs.ErrForbidden)
		return f
	}
	if f[FieldLocation] == nil {
		f.add(FieldPlace, s.placeGiven(ctx, in))
		f.add(FieldPlace, s.placeFromPoint(ctx, actor, &in))
	}
	if f[FieldCategory] == nil {
		f.add(FieldCategory, s.checkCategory(ctx, in.CategoryCode))
	}
	if f[FieldArea] == nil {
		f.add(FieldArea, s.checkArea(ctx, in.AreaCode))
	}
	if f[FieldArea] == nil && f[FieldLocation] == nil && f[FieldPlace] == nil {
		f.add(FieldPlace, s.placeInScope(ctx, actor, in))
	}
	return f
}

// checkAll validates a submission field by field and fills in its
// defaults; actor is nil for someone not logged in.
func (in *NewTicket) checkAll(actor *auth.User) FieldErrors {
	f := FieldErrors{}
	in.Description = CleanText(in.Description)
	in.Address = CleanText(in.Address)
	in.ReporterName = CleanText(in.ReporterName)
	in.ReporterPhone = auth.NormalizePhone(in.ReporterPhone)
	in.AreaCode = strings.TrimSpace(in.AreaCode)
	in.CategoryCode = strings.TrimSpace(in.CategoryCode)
	resident := actor == nil || actor.Role == auth.RoleResident
	if in.Kind == "" {
		in.Kind = KindHelp
	}
	if !validKind(in.Kind) {
		f.add(FieldKind, errs.Invalidf("诉求类型不正确：%q", "unknown kind: %q", in.Kind))
	}
	if in.CategoryCode == "" && !MayLeaveCategory(actor) {
		f.add(FieldCategory, errs.Invalidf("请选择诉求分类", "category_code is required"))
	}
	if in.CategoryCode != "" && !gov.ValidCode(in.CategoryCode) {
		f.add(FieldCategory, errs.Invalidf("诉求分类 %s 不存在", "unknown category %s", in.CategoryCode))
	}
	if in.Description == "" {
		f.add(FieldText, errs.Invalidf("请填写诉求内容", "description is required"))
	}
	if n := runes(in.Description); n > MaxDescription {
		f.add(FieldText, errs.Invalidf("诉求内容不能超过%d字（现有%d字）", "description must be at most %d characters (it has %d)", MaxDescription, n))
	}
	if runes(in.Address) > MaxAddress {
		f.add(FieldAddress, errs.Invalidf("地址不能超过%d字", "address must be at most %d characters", MaxAddress))
	}
	if runes(in.ReporterName) > MaxName {
		f.add(FieldName, errs.Invalidf("姓名不能超过%d字", "reporter_name must be at most %d characters", MaxName))
	}
	in.checkLocation(f)
	if in.AreaCode != "" && !gov.ValidCode(in.AreaCode) {
		f.add(FieldArea, errs.Invalidf("区划代码格式不正确：%q", "malformed area code: %q", in.AreaCode))
	}
	in.checkReporter(actor, f)
	f.add(FieldRequester, in.checkRequester())
	if in.Urgency == "" {
		in.Urgency = UrgencyNormal
	}
	if !validUrgency(in.Urgency) {
		f.add(FieldUrgency, errs.Invalidf("紧急程度须为 normal、urgent 或 emergency", "urgency must be normal, urgent or emergency"))
	} else if resident && in.Urgency != UrgencyNormal {
		f.add(FieldUrgency, errs.Invalidf("紧急程度由工作人员判定", "urgency is set by staff"))
	}
	if in.Channel == "" {
		in.Channel = DefaultChannel(actor)
	}
	if !validChannel(in.Channel) {
		f.add(FieldChannel, errs.Invalidf("渠道不正确：%q", "unknown channel: %q", in.Channel))
	} else if resident && !residentChannels[in.Channel] {
		f.add(FieldChannel, errs.Invalidf("居民提交的渠道只能是 web、app、snapshot 或 mailbox", "a resident's channel can only be web, app, snapshot or mailbox"))
	}
	return f
}

// checkLocation checks the location and that some place is given.
func (in *NewTicket) checkLocation(f FieldErrors) {
	if (in.Lat == nil) != (in.Lng == nil) {
		f.add(FieldLocation, errs.Invalidf("经纬度须同时提供", "lat and lng go together"))
		return
	}
	if in.Lat != nil && (*in.Lat < -90 || *in.Lat > 90 || *in.Lng < -180 || *in.Lng > 180 || *in.Lat != *in.Lat || *in.Lng != *in.Lng) {
		f.add(FieldLocation, errs.Invalidf("经纬度超出范围", "lat or lng out of range"))
	}
}

// placeGiven is the one rule of whether a submission needs a place: every
// request does, but a consultation (a question, answered from policy) and
// a request in a placeless category of the catalogue (政策咨询), which
// concern no street or building. A complaint or a request for help about
// a place needs a community, an address or a location.
func (s *Service) placeGiven(ctx context.Context, in NewTicket) error {
	if in.AreaCode != "" || in.Lat != nil || in.Address != "" || in.Kind == KindConsultation {
		return nil
	}
	if in.CategoryCode != "" {
		placeless, err := s.placeless(ctx, in.CategoryCode)
		if err != nil || placeless {
			return err
		}
	}
	return errs.Invalidf("请提供地点：所在社区、地址或位置", "a place is required: area_code, address, or lat and lng")
}

// placeless reports whether the category or one of its ancestors is
// marked placeless; an unknown category is not (checkCategory says why).
func (s *Service) placeless(ctx context.Context, code string) (bool, error) {
	d, err := s.ref(ctx)
	if err != nil {
		return false, err
	}
	for _, c := range d.ancestors(code) {
		if d.cats[c].Placeless {
			return true, nil
		}
	}
	return false, nil
}

// checkReporter checks the reporter's phone, which a guest and a caller
// must give; a resident's is her account's.
func (in *NewTicket) checkReporter(actor *auth.User, f FieldErrors) {
	if in.ReporterPhone != "" && !auth.ValidPhone(in.ReporterPhone) {
		f.add(FieldPhone, errs.Invalidf("手机号格式不正确", "malformed reporter_phone"))
		return
	}
	if err := in.checkProxy(actor); err != nil {
		f.add(FieldName, err)
		return
	}
	switch {
	case actor != nil && actor.Role == auth.RoleResident && in.ReporterPhone == "":
		in.ReporterPhone = actor.Phone
	case actor == nil && in.ReporterPhone == "":
		f.add(FieldPhone, errs.Invalidf("请填写手机号，以便联系您和查询办理进度", "reporter_phone is required so we can reach you and you can follow the ticket"))
	case actor != nil && actor.Role == auth.RoleAgent && in.ReporterPhone == "" && in.ReporterIDLast4 == "":
		f.add(FieldPhone, errs.Invalidf("请填写来电人手机号", "the caller's reporter_phone is required"))
	}
}

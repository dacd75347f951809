package agreement

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gongzhi/gongzhi/internal/db"
	"github.com/gongzhi/gongzhi/internal/errs"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/plaintext"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// codes cleans a list of codes: trimmed, without blanks and repeats.
func codes(in []string, max int, what, whatEn string) ([]string, error) {
	out := []string{}
	seen := map[string]bool{}
	for _, c := range in {
		c = strings.TrimSpace(c)
		if c == "" || seen[c] {
			continue
		}
		if !gov.ValidCode(c) {
			return nil, errs.Invalidf("%s代码格式不正确：%q", "malformed %s code: %q", what, c)
		}
		seen[c] = true
		out = append(out, c)
	}
	if len(out) > max {
		return nil, errs.Invalidf("%s最多%d个", "at most %d %s", max, whatEn)
	}
	return out, nil
}

func under(code string, roots []string) bool {
	for _, r := range roots {
		if strings.HasPrefix(code, r) {
			return true
		}
	}
	return false
}

// clean checks the input's shape and trims it; check looks up what it names.
func (in *Input) clean() error {
	in.OrgCode, in.Title, in.Rights = strings.TrimSpace(in.OrgCode), plaintext.Clean(strings.TrimSpace(in.Title)), plaintext.Clean(strings.TrimSpace(in.Rights))
	if in.Title == "" || utf8.RuneCountInString(in.Title) > MaxTitle {
		return errs.Invalidf("协议名称须为1到%d个字", "title must be 1 to %d characters", MaxTitle)
	}
	if utf8.RuneCountInString(in.Rights) > MaxRights {
		return errs.Invalidf("权利条款不超过%d字", "rights must be at most %d characters", MaxRights)
	}
	var err error
	if in.Areas, err = codes(in.Areas, MaxAreas, "区域", "areas"); err != nil {
		return err
	}
	if len(in.Areas) == 0 {
		return errs.Invalidf("请至少指定一个服务区域", "name at least one area of the agreement's scope")
	}
	if in.Categories, err = codes(in.Categories, MaxCats, "诉求分类", "categories"); err != nil {
		return err
	}
	if in.DataAreas, err = codes(in.DataAreas, MaxAreas, "区域", "data areas"); err != nil {
		return err
	}
	for _, a := range in.DataAreas {
		if !under(a, in.Areas) {
			return errs.Invalidf("可查看个人信息的区域 %s 不在协议的服务区域内", "data area %s lies outside the agreement's areas", a)
		}
	}
	if err := in.cleanServices(); err != nil {
		return err
	}
	if err := in.cleanDates(); err != nil {
		return err
	}
	return in.cleanDuties()
}

func (in *Input) cleanServices() error {
	out := []string{}
	for _, sv := range in.Services {
		sv = plaintext.Clean(strings.TrimSpace(sv))
		if sv == "" {
			continue
		}
		if utf8.RuneCountInString(sv) > MaxService {
			return errs.Invalidf("每项服务不超过%d字", "each service must be at most %d characters", MaxService)
		}
		out = append(out, sv)
	}
	if len(out) > MaxServices {
		return errs.Invalidf("服务项目最多%d项", "at most %d services", MaxServices)
	}
	in.Services = out
	return nil
}

func (in *Input) cleanDates() error {
	in.StartsOn, in.EndsOn = strings.TrimSpace(in.StartsOn), strings.TrimSpace(in.EndsOn)
	start, err1 := time.Parse(dateLayout, in.StartsOn)
	end, err2 := time.Parse(dateLayout, in.EndsOn)
	if err1 != nil || err2 != nil {
		return errs.Invalidf("起止日期格式应为 2026-01-31", "starts_on and ends_on are dates such as 2026-01-31")
	}
	if end.Before(start) {
		return errs.Invalidf("终止日期不能早于起始日期", "ends_on cannot be before starts_on")
	}
	if end.After(start.AddDate(MaxYears, 0, 0)) {
		return errs.Invalidf("协议期限不超过%d年", "an agreement runs at most %d years", MaxYears)
	}
	return nil
}

func (in *Input) cleanDuties() error {
	if len(in.Duties) > MaxDuties {
		return errs.Invalidf("责任条款最多%d条", "at most %d duties", MaxDuties)
	}
	seen := map[string]bool{}
	for i := range in.Duties {
		d := &in.Duties[i]
		d.CategoryCode, d.Note = strings.TrimSpace(d.CategoryCode), plaintext.Clean(strings.TrimSpace(d.Note))
		if !gov.ValidCode(d.CategoryCode) {
			return errs.Invalidf("责任条款须指定诉求分类", "a duty names a category")
		}
		if seen[d.CategoryCode] {
			return errs.Invalidf("诉求分类 %s 的责任条款重复", "two duties for category %s", d.CategoryCode)
		}
		seen[d.CategoryCode] = true
		if len(in.Categories) > 0 && !under(d.CategoryCode, in.Categories) {
			return errs.Invalidf("责任条款的分类 %s 不在协议的服务分类内", "duty category %s lies outside the agreement's categories", d.CategoryCode)
		}
		if d.Limit.Unit != ticket.WorkingHours && d.Limit.Unit != ticket.WorkingDays || d.Limit.Amount < 1 {
			return errs.Invalidf("责任时限须为工作小时（如 48h）或工作日（如 3d）", "a duty's limit is in working hours (48h) or working days (3d)")
		}
		if utf8.RuneCountInString(d.Note) > MaxNote {
			return errs.Invalidf("责任说明不超过%d字", "a duty's note must be at most %d characters", MaxNote)
		}
	}
	return nil
}

// check looks up what the input names: an organisation outside the
// government, areas and categories that exist.
func (s *Service) check(ctx context.Context, q db.Queryer, in Input) (gov.Org, error) {
	o, err := gov.OrgQ(ctx, q, in.OrgCode)
	if errs.Is(err, errs.NotFound) {
		return o, errs.Invalidf("组织 %s 不存在", "organisation %s does not exist", in.OrgCode)
	}
	if err != nil {
		return o, err
	}
	if o.Kind.Government() {
		return o, errs.Invalidf("%s 是政府组织，不签服务协议", "%s is a government organisation and works under no agreement", o.Name)
	}
	for _, a := range in.Areas {
		if _, err := gov.AreaQ(ctx, q, a); err != nil {
			return o, errs.Invalidf("区划 %s 不存在", "area %s does not exist", a)
		}
	}
	cats := append([]string{}, in.Categories...)
	for _, d := range in.Duties {
		cats = append(cats, d.CategoryCode)
	}
	for _, c := range cats {
		if _, err := s.tickets.Category(ctx, c); err != nil {
			return o, errs.Invalidf("诉求分类 %s 不存在", "category %s does not exist", c)
		}
	}
	return o, nil
}

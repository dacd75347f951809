package opendata

// The catalogue's entries: what each dataset is and what its columns hold.

func f(name, typ, title, zh, en string) Field {
	return Field{Name: name, Type: typ, Title: title, Description: zh, DescriptionEn: en}
}

var definitions = map[string]Dataset{
	TicketStats: {
		ID: TicketStats, Title: "接诉即办工单统计（街道×类别×月）", TitleEn: "Ticket statistics by street, category and month",
		Description: "最近十二个完整月份受理的工单，按街道（乡镇）、一级类别和受理月份汇总：件数、办结件数、办理时长的中位数和平均数、按时办结率、解决率和满意率。" +
			"件数少于门槛（默认5件）的格子整格隐去（suppressed 为 true，各数值为空，不是零），以免认出个人；格子中依据的件数少于门槛的时长和比率也为空。不含无效、撤回和合并的工单。",
		DescriptionEn: "Tickets received in the last twelve complete months, by street, top-level category and month of receipt: counts, closed, median and mean handling hours, on-time, resolved and satisfied rates. " +
			"A cell with fewer tickets than the threshold (5 by default) is suppressed whole (suppressed true, its figures empty, not zero) so that nobody can be recognised; within a cell, a time or rate resting on fewer tickets than the threshold is empty too. Invalid, withdrawn and merged tickets are left out.",
		Frequency: FreqMonthly, Keywords: []string{"接诉即办", "12345", "工单", "统计", "ticket statistics"},
		Fields: []Field{
			f("month", TypeString, "受理月份", "工单受理的月份（YYYY-MM，北京时间）", "month of receipt (YYYY-MM, Beijing time)"),
			f("area_code", TypeString, "街道代码", "工单所在街道（乡镇）的区划代码；未能定位到街道的为所在区划", "division code of the street the ticket is in; its own area where no street is known"),
			f("area_name", TypeString, "街道", "街道（乡镇）名称", "name of the street"),
			f("category_code", TypeString, "类别代码", "一级类别代码；空为尚未分类", "top-level category code; empty while unclassified"),
			f("category_name", TypeString, "类别", "一级类别名称", "top-level category name"),
			f("suppressed", TypeBoolean, "已隐去", "件数少于门槛，本格数值隐去", "fewer tickets than the threshold: the cell's figures are withheld"),
			f("tickets", TypeInteger, "受理件数", "当月受理的工单件数", "tickets received in the month"),
			f("closed", TypeInteger, "办结件数", "其中已办结的件数", "of which closed"),
			f("median_hours", TypeNumber, "办理时长中位数（小时）", "已办结工单从受理到办结的小时数的中位数", "median hours from receipt to closing, closed tickets"),
			f("mean_hours", TypeNumber, "办理时长平均数（小时）", "已办结工单从受理到办结的平均小时数", "mean hours from receipt to closing, closed tickets"),
			f("on_time_rate", TypeNumber, "按时办结率", "有办结时限的已办结工单中，在时限内答复的比例（0到1）", "share of closed tickets with a time limit replied within it (0 to 1)"),
			f("resolved_rate", TypeNumber, "解决率", "已评价工单中居民认为已解决的比例（0到1）", "share of rated tickets the resident called resolved (0 to 1)"),
			f("satisfied_rate", TypeNumber, "满意率", "已评价工单中评价为满意的比例（0到1）", "share of rated tickets rated satisfied (0 to 1)"),
		},
	},
	Evaluation: {
		ID: Evaluation, Title: "考核评价公开结果", TitleEn: "Evaluation results made public",
		Description: "最近十二个完整考核月份中，区里在公开页面上公布的考核数字：全区的工单件数和响应率、解决率、满意率，以及街道办事处的得分、排名和等次。" +
			"区里未选择公开的数字为空；样本不足的单位不排名。",
		DescriptionEn: "The evaluation figures the district discloses on its public page for the last twelve complete months: the district's number of tickets and its response, resolution and satisfaction rates, and the street offices' scores, ranks and classes. " +
			"Figures the district does not disclose are empty; units with too few rated tickets are not ranked.",
		Frequency: FreqMonthly, Keywords: []string{"考核", "三率", "排名", "evaluation"},
		Fields: []Field{
			f("month", TypeString, "考核月份", "考核月份（YYYY-MM）", "evaluation month (YYYY-MM)"),
			f("unit_code", TypeString, "单位代码", "区划代码（全区）或单位代码（街道办事处）", "division code (district) or unit code (street office)"),
			f("unit_name", TypeString, "单位", "全区或街道办事处名称", "the district or the street office"),
			f("unit_kind", TypeString, "单位类型", "district（全区）或 street_office（街道办事处）", "district or street_office"),
			f("tickets", TypeInteger, "工单件数", "当月办结的工单件数（全区）", "tickets closed in the month (district)"),
			f("response_rate", TypeNumber, "响应率", "按时联系的比例（0到1）", "share contacted in time (0 to 1)"),
			f("resolution_rate", TypeNumber, "解决率", "评价为已解决的比例（0到1）", "share rated resolved (0 to 1)"),
			f("satisfaction_rate", TypeNumber, "满意率", "满意率（0到1）", "satisfaction rate (0 to 1)"),
			f("score", TypeNumber, "综合得分", "街道办事处的综合得分", "street office's composite score"),
			f("rank", TypeInteger, "排名", "街道办事处之间的排名", "rank among the street offices"),
			f("class", TypeString, "等次", "考核等次", "class of the evaluation"),
			f("sample_too_small", TypeBoolean, "样本不足", "已评价工单少于最低样本，不排名", "too few rated tickets to be ranked"),
		},
	},
	ServicePoints: {
		ID: ServicePoints, Title: "邻里服务网点", TitleEn: "Neighbourhood service points",
		Description:   "居民可以预约的邻里服务：服务名称和类别、提供服务的机构（组织，不是个人）、机构所属区划和位置、服务时间和是否收费。资质过期或停用的服务不列。",
		DescriptionEn: "The neighbourhood services residents may book: the service and its category, the organisation providing it (never a person), the organisation's area and place, its hours and whether it charges. Services whose provider's qualification has lapsed, or which are stopped, are not listed.",
		Frequency:     FreqDaily, Keywords: []string{"邻里服务", "十五分钟生活圈", "养老", "托育", "service points"},
		Fields: []Field{
			f("service_id", TypeString, "服务编号", "服务的编号", "id of the service"),
			f("service_name", TypeString, "服务名称", "服务名称", "name of the service"),
			f("category", TypeString, "类别代码", "elderly、childcare、medical、education、housekeeping、meals、repairs 或 legal", "elderly, childcare, medical, education, housekeeping, meals, repairs or legal"),
			f("category_name", TypeString, "类别", "服务类别名称", "category name"),
			f("provider_code", TypeString, "机构代码", "服务机构的组织代码", "the provider's organisation code"),
			f("provider_name", TypeString, "服务机构", "服务机构名称", "the provider's name"),
			f("area_code", TypeString, "区划代码", "服务机构所属区划代码", "division code of the provider's area"),
			f("area_name", TypeString, "所属区划", "服务机构所属区划名称", "name of the provider's area"),
			f("hours", TypeString, "服务时间", "服务机构的服务时间", "the provider's hours"),
			f("priced", TypeBoolean, "收费", "是否收费", "whether it charges"),
			f("price_note", TypeString, "收费说明", "收费标准说明", "what it charges"),
			f("lat", TypeNumber, "纬度", "服务机构位置的纬度（WGS-84），未登记为空", "latitude of the provider's place (WGS-84), empty if not known"),
			f("lng", TypeNumber, "经度", "服务机构位置的经度（WGS-84），未登记为空", "longitude of the provider's place (WGS-84), empty if not known"),
		},
	},
	Proposals: {
		ID: Proposals, Title: "居民提议及答复", TitleEn: "Residents' proposals and their answers",
		Description:   "公开范围为“公开”的居民提议：标题、内容、所在区划、附议人数和门槛、状态、答复单位、答复时限和答复内容。不含提议人的姓名和电话；文字中写到的电话、证件号和门牌号已隐去。",
		DescriptionEn: "Residents' proposals disclosed to everyone: title, text, area, co-signatures and threshold, status, the answering unit, the answer's due date and the answer. No proposer's name or phone; phone, ID-card and room numbers written in the text are masked.",
		Frequency:     FreqDaily, Keywords: []string{"居民提议", "附议", "答复", "proposals"},
		Fields: []Field{
			f("number", TypeString, "提议编号", "提议的编号", "the proposal's number"),
			f("title", TypeString, "标题", "提议标题", "title"),
			f("body", TypeString, "内容", "提议内容", "text of the proposal"),
			f("area_code", TypeString, "区划代码", "提议所在区划代码", "division code of its area"),
			f("area_name", TypeString, "所在区划", "提议所在区划名称", "name of its area"),
			f("status", TypeString, "状态", "collecting、lapsed、accepted、adopted、rejected、escalated 或 done", "collecting, lapsed, accepted, adopted, rejected, escalated or done"),
			f("cosigns", TypeInteger, "附议人数", "附议的居民人数", "residents who co-signed"),
			f("threshold", TypeInteger, "附议门槛", "受理所需附议人数", "co-signatures needed"),
			f("created_date", TypeDate, "提出日期", "提出的日期", "date raised"),
			f("answer_org", TypeString, "答复单位代码", "负责答复的单位代码", "code of the unit that answers"),
			f("answer_due", TypeDate, "答复时限", "答复的截止日期", "date the answer is due"),
			f("answered_date", TypeDate, "答复日期", "答复的日期", "date answered"),
			f("answered_late", TypeBoolean, "逾期答复", "是否超过时限才答复", "whether it was answered late"),
			f("answer", TypeString, "答复内容", "答复内容", "the answer"),
		},
	},
}

// definition returns the catalogue entry of the dataset, and whether it is
// one.
func definition(id string) (Dataset, bool) {
	d, ok := definitions[id]
	if !ok {
		return Dataset{}, false
	}
	d.Licence, d.LicenceName = LicenceURL, LicenceName
	d.Keywords = append([]string(nil), d.Keywords...)
	d.Fields = append([]Field(nil), d.Fields...)
	return d, true
}

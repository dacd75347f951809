package demo

import (
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/gov"
	"github.com/gongzhi/gongzhi/internal/ticket"
)

// DistrictCode is the demo district, Beijing 平谷区.
const DistrictCode = "110117"

// DistrictPopulation is 平谷区's resident population in the 7th national
// census (2020); the division files carry no population.
const DistrictPopulation = 457313

// Password is the password of every demo staff account. It is public, so the
// demo must never be loaded into a production database.
const Password = "gongzhi-demo"

// Org codes the demo accounts and rules refer to.
const (
	OrgHotline     = DistrictCode + "-HOTLINE"
	OrgGrid        = DistrictCode + "-GRID"
	OrgUrbanMgmt   = DistrictCode + "-D01"
	OrgSupervision = DistrictCode + "-D16"
	OrgProperty    = DistrictCode + "-P01"
	OrgHeating     = DistrictCode + "-U01"
	OrgGas         = DistrictCode + "-U02"
	// StreetBinhe is 滨河街道, the street of the demo handler and grid worker.
	StreetBinhe = "110117001"
	// CommunityJinguDongyuan is 金谷东园社区, the demo grid worker's community.
	CommunityJinguDongyuan = "110117001001"
)

// StreetOfficeCode is the code of a street's office (街道办事处/乡镇政府).
func StreetOfficeCode(streetCode string) string { return streetCode + "-SO" }

// CommitteeCode is the code of a community's committee (居委会/村委会).
func CommitteeCode(communityCode string) string { return communityCode + "-CC" }

// districtOrgs are the district's departments and units that are not tied to
// one street. Codes are stable: rules, accounts and saved links refer to them.
var districtOrgs = []gov.Org{
	{Code: OrgUrbanMgmt, Name: "平谷区城市管理委员会", Kind: gov.KindDepartment},
	{Code: DistrictCode + "-D02", Name: "平谷区住房和城乡建设委员会", Kind: gov.KindDepartment},
	{Code: DistrictCode + "-D03", Name: "平谷区交通局", Kind: gov.KindDepartment},
	{Code: DistrictCode + "-D04", Name: "平谷区水务局", Kind: gov.KindDepartment},
	{Code: DistrictCode + "-D05", Name: "平谷区生态环境局", Kind: gov.KindDepartment},
	{Code: DistrictCode + "-D06", Name: "平谷区市场监督管理局", Kind: gov.KindDepartment},
	{Code: DistrictCode + "-D07", Name: "平谷区人力资源和社会保障局", Kind: gov.KindDepartment},
	{Code: DistrictCode + "-D08", Name: "平谷区卫生健康委员会", Kind: gov.KindDepartment},
	{Code: DistrictCode + "-D09", Name: "平谷区教育委员会", Kind: gov.KindDepartment},
	{Code: DistrictCode + "-D10", Name: "北京市公安局平谷分局", Kind: gov.KindDepartment},
	{Code: DistrictCode + "-D11", Name: "平谷区民政局", Kind: gov.KindDepartment},
	{Code: DistrictCode + "-D12", Name: "平谷区园林绿化局", Kind: gov.KindDepartment},
	{Code: DistrictCode + "-D13", Name: "平谷区农业农村局", Kind: gov.KindDepartment},
	{Code: DistrictCode + "-D14", Name: "平谷区应急管理局", Kind: gov.KindDepartment},
	{Code: DistrictCode + "-D15", Name: "平谷区城市管理综合行政执法局", Kind: gov.KindDepartment},
	{Code: OrgSupervision, Name: "平谷区政府督查室", Kind: gov.KindDepartment},
	{Code: OrgHotline, Name: "平谷区12345市民服务热线中心", Kind: gov.KindHotlineCenter, Phone: "12345"},
	{Code: OrgGrid, Name: "平谷区网格化服务管理中心", Kind: gov.KindGridStation},
	// Companies are fictitious (marked 示例) so nobody mistakes the demo for
	// a real company's record.
	{Code: OrgProperty, Name: "谷韵物业服务有限公司（示例）", Kind: gov.KindPropertyCompany},
	{Code: OrgHeating, Name: "平谷供热服务有限公司（示例）", Kind: gov.KindCompany},
	{Code: OrgGas, Name: "平谷燃气服务有限公司（示例）", Kind: gov.KindCompany},
}

// Where a category's tickets go. streetLevel sends them to the office of the
// street the ticket is in (属地管理); an empty org and !streetLevel leaves the
// category without a rule, so its tickets wait in the dispatchers' queue.
type route struct {
	org         string
	streetLevel bool
}

// category is one line of the demo category tree with its route.
type category struct {
	ticket.Category
	route    route
	complete ticket.Limit // time to complete, when not the default five working days
}

// Completion limits.
var (
	hoursNormal  = ticket.Limit{Amount: 5, Unit: ticket.WorkingDays}  // help and complaints
	hoursConsult = ticket.Limit{Amount: 2, Unit: ticket.WorkingDays}  // consultations
	hoursComplex = ticket.Limit{Amount: 15, Unit: ticket.WorkingDays} // matters that need inspections, hearings or works
)

func top(code, name, nameEn string) category {
	return category{Category: ticket.Category{Code: code, Name: name, NameEn: nameEn, Active: true}, complete: hoursNormal}
}

func leaf(code, name, nameEn string, complete ticket.Limit, r route) category {
	return category{
		Category: ticket.Category{Code: code, ParentCode: code[:2], Name: name, NameEn: nameEn, Active: true},
		route:    r,
		complete: complete,
	}
}

// placeless marks a category whose requests concern no place.
func placeless(c category) category {
	c.Placeless = true
	return c
}

func dept(n string) route { return route{org: DistrictCode + "-D" + n} }

var street = route{streetLevel: true}

// categories is the demo category tree (诉求分类), modelled on the classes a
// Beijing 12345 centre uses. Parents come before their children.
var categories = []category{
	top("01", "市容环境", "City appearance and environment"),
	leaf("0101", "街巷环境卫生", "Street and lane cleanliness", hoursNormal, street),
	leaf("0102", "垃圾分类与清运", "Waste sorting and collection", hoursNormal, street),
	leaf("0103", "违法建设", "Illegal construction", hoursComplex, dept("15")),
	leaf("0104", "占道经营", "Street vending and road occupation", hoursNormal, dept("15")),
	leaf("0105", "户外广告与牌匾", "Outdoor advertising and shop signs", hoursNormal, dept("01")),
	leaf("0106", "园林绿化", "Trees and green spaces", hoursNormal, dept("12")),

	top("02", "住房与物业", "Housing and property"),
	leaf("0201", "物业管理", "Property management", hoursNormal, street),
	leaf("0202", "房屋质量与维修", "Housing quality and repairs", hoursNormal, dept("02")),
	leaf("0203", "老旧小区改造", "Renovation of old residential compounds", hoursComplex, dept("02")),
	leaf("0204", "电梯安全", "Lift safety", hoursNormal, dept("06")),
	leaf("0205", "邻里纠纷", "Disputes between neighbours", hoursNormal, street),
	leaf("0206", "农村宅基地", "Rural homesteads", hoursComplex, dept("13")),

	top("03", "交通出行", "Transport"),
	leaf("0301", "道路设施损坏", "Damaged roads and road furniture", hoursNormal, dept("03")),
	leaf("0302", "公交线路与站点", "Bus routes and stops", hoursConsult, dept("03")),
	leaf("0303", "停车管理", "Parking", hoursNormal, dept("03")),
	leaf("0304", "路灯照明", "Street lighting", hoursNormal, dept("01")),
	leaf("0305", "交通秩序", "Traffic order", hoursNormal, dept("10")),

	top("04", "公共服务（水电气热）", "Utilities (water, power, gas, heating)"),
	leaf("0401", "供水", "Water supply", hoursNormal, dept("04")),
	leaf("0402", "排水与积水", "Drainage and standing water", hoursNormal, dept("04")),
	leaf("0403", "供暖", "Heating", hoursNormal, route{org: OrgHeating}),
	leaf("0404", "燃气", "Gas", hoursNormal, route{org: OrgGas}),
	// No rule on purpose: the power grid company is not in the demo, so these
	// tickets show the dispatchers' queue at work.
	leaf("0405", "供电", "Electricity supply", hoursNormal, route{}),

	top("05", "市场监管与消费", "Markets and consumer protection"),
	leaf("0501", "消费纠纷", "Consumer disputes", hoursNormal, dept("06")),
	leaf("0502", "食品安全", "Food safety", hoursNormal, dept("06")),
	leaf("0503", "价格收费", "Prices and charges", hoursNormal, dept("06")),
	leaf("0504", "无证无照经营", "Unlicensed business", hoursNormal, dept("06")),

	top("06", "社会保障与就业", "Social security and employment"),
	leaf("0601", "劳动争议与欠薪", "Labour disputes and unpaid wages", hoursNormal, dept("07")),
	leaf("0602", "社会保险", "Social insurance", hoursConsult, dept("07")),
	leaf("0603", "养老服务", "Elderly care", hoursNormal, dept("11")),
	leaf("0604", "社会救助", "Social assistance", hoursNormal, dept("11")),

	top("07", "卫生健康", "Health"),
	leaf("0701", "医疗服务", "Medical services", hoursNormal, dept("08")),
	leaf("0702", "公共卫生", "Public health", hoursNormal, dept("08")),

	top("08", "教育", "Education"),
	leaf("0801", "入学咨询", "School enrolment enquiries", hoursConsult, dept("09")),
	leaf("0802", "校外培训", "Private tutoring", hoursNormal, dept("09")),

	top("09", "生态环境", "Ecology and environment"),
	leaf("0901", "噪声扰民", "Noise nuisance", hoursNormal, dept("05")),
	leaf("0902", "大气污染", "Air pollution", hoursNormal, dept("05")),
	leaf("0903", "水体污染", "Water pollution", hoursNormal, dept("05")),

	top("10", "治安与安全", "Public order and safety"),
	leaf("1001", "治安秩序", "Public order", hoursNormal, dept("10")),
	leaf("1002", "安全隐患", "Safety hazards", hoursNormal, dept("14")),
	leaf("1003", "占用消防通道", "Blocked fire lanes", hoursNormal, street),

	placeless(top("11", "综合咨询", "General enquiries")),
	// No rule on purpose: agents answer most policy questions from the
	// knowledge base, and the rest need a dispatcher's judgement. A policy
	// question concerns no place: it is registered without one.
	placeless(leaf("1101", "政策咨询", "Policy enquiries", hoursConsult, route{})),
}

// Account describes one demo account, for the login page and the README.
type Account struct {
	Username  string    `json:"username,omitempty"` // staff log in with username and Password
	Phone     string    `json:"phone,omitempty"`    // residents log in with phone and a one-time code
	Name      string    `json:"name"`
	Role      auth.Role `json:"role"`
	OrgCode   string    `json:"org_code,omitempty"`
	OrgName   string    `json:"org_name,omitempty"`
	AreaCode  string    `json:"area_code,omitempty"`
	Purpose   string    `json:"purpose"`
	PurposeEn string    `json:"purpose_en"`
}

// Accounts are the demo accounts, one per role (the administrator is created
// by the setup, not here). Staff use Password; the resident logs in with the
// phone number and a one-time code, shown on screen in demo mode.
var Accounts = []Account{
	{Username: "demo-supervisor", Name: "督办演示员", Role: auth.RoleSupervisor, OrgCode: OrgSupervision, OrgName: "平谷区政府督查室", AreaCode: DistrictCode,
		Purpose: "督办：查看时限、催办、督办、看统计排名", PurposeEn: "Supervisor: watches deadlines, urges and escalates, reads dashboards and rankings"},
	{Username: "demo-dispatcher", Name: "派单演示员", Role: auth.RoleDispatcher, OrgCode: OrgHotline, OrgName: "平谷区12345市民服务热线中心", AreaCode: DistrictCode,
		Purpose: "区级派单员：审核新工单、派单、审批退单和延期", PurposeEn: "District dispatcher: checks new tickets, dispatches, approves returns and extensions"},
	{Username: "demo-handler", Name: "街道承办演示员", Role: auth.RoleHandler, OrgCode: StreetOfficeCode(StreetBinhe), OrgName: "滨河街道办事处", AreaCode: StreetBinhe,
		Purpose: "街道承办人：签收、联系、办理、答复滨河街道的工单", PurposeEn: "Street office handler: signs, contacts, handles and replies to tickets of 滨河街道"},
	{Username: "demo-handler-dept", Name: "部门承办演示员", Role: auth.RoleHandler, OrgCode: OrgUrbanMgmt, OrgName: "平谷区城市管理委员会", AreaCode: DistrictCode,
		Purpose: "部门承办人：处理派给区城市管理委员会的工单", PurposeEn: "Department handler: handles tickets sent to the district urban management commission"},
	{Username: "demo-agent", Name: "话务演示员", Role: auth.RoleAgent, OrgCode: OrgHotline, OrgName: "平谷区12345市民服务热线中心", AreaCode: DistrictCode,
		Purpose: "话务员：接听来电并快速录入工单、当场答复咨询", PurposeEn: "Hotline agent: takes calls, enters tickets fast, answers enquiries on the spot"},
	{Username: "demo-grid", Name: "网格演示员", Role: auth.RoleGridWorker, OrgCode: CommitteeCode(CommunityJinguDongyuan), OrgName: "金谷东园社区居委会", AreaCode: CommunityJinguDongyuan,
		Purpose: "网格员：巡查上报问题、核实整改结果", PurposeEn: "Grid worker: patrols, reports problems, checks that fixes are real"},
	{Username: "demo-auditor", Name: "审计演示员", Role: auth.RoleAuditor,
		Purpose: "审计员：查询审计日志（谁查看了谁的信息），看不到工单", PurposeEn: "Auditor: searches the audit log (who saw whose data); sees no tickets"},
	{Phone: "13800138000", Name: "居民演示员", Role: auth.RoleResident,
		Purpose: "居民：用手机号和验证码登录，随手拍报事、查看进度、评价", PurposeEn: "Resident: logs in with phone and one-time code, reports problems, follows and rates them"},
}

package demo

import "github.com/gongzhi/gongzhi/internal/replytpl"

// ReplyTemplates are the demo's reply templates: the district's, kept by
// the 12345 centre, and the own templates of 滨河街道办事处 and the urban
// management committee, whose demo handlers reply with them.
var ReplyTemplates = []replytpl.Template{
	{ID: "demo-rt-01", Name: "已办结（通用）",
		Body: "{诉求人称呼}您好：您于{受理时间}反映的{诉求分类}问题（工单编号{编号}）已由{承办单位}办理完毕。感谢您对我们工作的支持，如仍有问题，欢迎再次拨打12345反映。"},
	{ID: "demo-rt-02", Name: "正在办理（阶段答复）",
		Body: "{诉求人称呼}您好：您反映的{地点}{诉求分类}问题（工单编号{编号}）我们已经收到并正在办理，预计于{办结时限}前办结，办理结果将及时答复您。"},
	{ID: "demo-rt-03", CategoryCode: "11", Name: "政策咨询答复",
		Body: "{诉求人称呼}您好：关于您咨询的问题（工单编号{编号}），答复如下：\n（在此写明政策依据和办理渠道）\n如需进一步了解，可拨打12345咨询。"},
	{ID: "demo-rt-04", OrgCode: "", CategoryCode: "04", Name: "水电气热：已协调恢复",
		Body: "{诉求人称呼}您好：您反映的{地点}{诉求分类}问题（工单编号{编号}），经{承办单位}协调，相关单位已于{答复日期}完成抢修并恢复正常。如再次出现问题，请及时反映。"},
	{ID: "demo-rt-11", OrgCode: StreetOfficeCode(StreetBinhe), CategoryCode: "01", Name: "环境卫生已清理",
		Body: "{诉求人称呼}您好：您于{受理时间}反映的{地点}环境卫生问题（工单编号{编号}），滨河街道已组织保洁人员于{答复日期}清理完毕，并将该处纳入日常巡查。感谢您的监督。"},
	{ID: "demo-rt-12", OrgCode: StreetOfficeCode(StreetBinhe), CategoryCode: "02", Name: "物业问题已约谈",
		Body: "{诉求人称呼}您好：您反映的{地点}物业问题（工单编号{编号}），街道已约谈物业服务企业，要求其限期整改，社区将跟踪整改情况。"},
	{ID: "demo-rt-13", OrgCode: StreetOfficeCode(StreetBinhe), Name: "现场核实，不属实",
		Body: "{诉求人称呼}您好：接到您的反映（工单编号{编号}）后，街道工作人员于{答复日期}到{地点}现场核实，未发现所反映的情况。如问题再次出现，请提供具体时间和位置，我们将再次核查。"},
	{ID: "demo-rt-21", OrgCode: OrgUrbanMgmt, CategoryCode: "0304", Name: "路灯已修复",
		Body: "{诉求人称呼}您好：您反映的{地点}路灯不亮问题（工单编号{编号}），区城市管理委员会已组织维修单位于{答复日期}修复，路灯已恢复照明。"},
}

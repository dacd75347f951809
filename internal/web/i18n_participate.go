package web

// participateMessages are the words of the participation hub.
var participateMessages = map[string][2]string{
	"part.title":          {"参与议事", "Take part"},
	"part.intro":          {"您的意见会被记录、答复和公开。请选择您要参与的事项。", "What you say is recorded, answered and made public. Choose what you want to take part in."},
	"part.proposals":      {"居民提案", "Residents' proposals"},
	"part.proposals.hint": {"提出建议、附议，政府限时答复", "Propose, co-sign; the government answers in time"},
	"part.votes":          {"业主表决", "Owners' votes"},
	"part.votes.hint":     {"小区共同决定事项投票", "Vote on your compound's decisions"},
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func insightReplyRun(t *testing.T, args ...string) (replySummary, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"insight", "replies"}, args...),
		func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	var s replySummary
	if err == nil {
		if jerr := json.Unmarshal(out.Bytes(), &s); jerr != nil {
			t.Fatalf("not one JSON object: %v\n%s", jerr, out.String())
		}
	}
	return s, errOut.String(), err
}

// A small file: the summary's figures, its ends, and the advice counted.
func TestInsightReplies(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "r.csv")
	csv := "\ufeffmsg_id,subject,detail,reply_text\n" +
		"1,朝阳路路灯不亮,朝阳路12号路灯坏了,您好！留言已收悉\n" +
		"2,朝阳路路灯不亮,朝阳路12号路灯坏了,\"朝阳路12号路灯，社区工作人员5月6日到现场查看，已更换线路，恢复照明。如仍有问题，请拨打010-69961234。\"\n" +
		"3,小区噪音,夜里施工噪音大,已转相关部门处理。\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	s, _, err := insightReplyRun(t, file, "--examples", "2")
	if err != nil {
		t.Fatal(err)
	}
	if s.N != 3 || len(s.Lowest) != 2 || len(s.Highest) != 2 || s.Lowest[0].ID != "1" || s.Highest[0].ID != "2" {
		t.Fatalf("%+v", s)
	}
	if s.Overall.P10 > s.Overall.P50 || s.Overall.P50 > s.Overall.P90 || s.AdviceCounts["no_next"] != 2 {
		t.Errorf("%+v", s)
	}
	for _, bad := range [][]string{
		{filepath.Join(dir, "absent.csv")},
		{file, "--reply", "answer"},
		{file, "--text", "subject,body"},
		{file, "--examples", "-1"},
		{},
	} {
		if _, _, err := insightReplyRun(t, bad...); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
	empty := filepath.Join(dir, "empty.csv")
	os.WriteFile(empty, nil, 0o600)
	if _, _, err := insightReplyRun(t, empty); err == nil || !strings.Contains(err.Error(), "header") {
		t.Errorf("an empty file: %v", err)
	}
}

// The real file of 2,816 messages with the unit's written reply, when the
// shared data lies beside the repository.
func TestInsightRepliesShared(t *testing.T) {
	file := "/work/shared/data/complaints/tipdm2020_messages_with_replies.csv"
	if _, err := os.Stat(file); err != nil {
		t.Skip("no shared data:", err)
	}
	s, _, err := insightReplyRun(t, file)
	if err != nil {
		t.Fatal(err)
	}
	if s.N != 2816 || len(s.Lowest) != 10 || len(s.Highest) != 10 || s.Lowest[0].Overall > s.Highest[9].Overall {
		t.Fatalf("n %d, lowest %d, highest %d", s.N, len(s.Lowest), len(s.Highest))
	}
}

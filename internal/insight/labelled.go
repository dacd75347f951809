package insight

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// Limits of a labelled file.
const (
	MaxLabelledRows = 2_000_000
	MaxLabels       = 5_000
)

// ReadLabelled reads a CSV file with a header: the text is the named text
// columns joined by a line break, the label the named column. Rows with an
// empty text or label are skipped and counted.
func ReadLabelled(r io.Reader, textCols []string, labelCol string) (texts, labels []string, skipped int, err error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	header, err := cr.Read()
	if err != nil {
		return nil, nil, 0, errs.Invalidf("读不出表头：%v", "cannot read the header: %v", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	var ti []int
	for _, c := range textCols {
		i, ok := col[c]
		if !ok {
			return nil, nil, 0, errs.Invalidf("没有文本列 %q", "no text column %q", c)
		}
		ti = append(ti, i)
	}
	li, ok := col[labelCol]
	if !ok {
		return nil, nil, 0, errs.Invalidf("没有标签列 %q", "no label column %q", labelCol)
	}
	distinctLabels := map[string]bool{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, 0, errs.Invalidf("第%d行格式错误：%v", "row %d is malformed: %v", line, err)
		}
		if len(texts) >= MaxLabelledRows {
			return nil, nil, 0, errs.Invalidf("行数超过%d", "more than %d rows", MaxLabelledRows)
		}
		var parts []string
		for _, i := range ti {
			if i < len(rec) && strings.TrimSpace(rec[i]) != "" {
				parts = append(parts, strings.TrimSpace(rec[i]))
			}
		}
		label := ""
		if li < len(rec) {
			label = strings.TrimSpace(rec[li])
		}
		if len(parts) == 0 || label == "" {
			skipped++
			continue
		}
		distinctLabels[label] = true
		if len(distinctLabels) > MaxLabels {
			return nil, nil, 0, errs.Invalidf("标签种类超过%d", "more than %d distinct labels", MaxLabels)
		}
		texts = append(texts, strings.Join(parts, "\n"))
		labels = append(labels, label)
	}
	if len(texts) == 0 {
		return nil, nil, skipped, errs.Invalidf("文件中没有带标签的文本", "the file holds no labelled text")
	}
	return texts, labels, skipped, nil
}

// String formats a report's headline for people.
func (r Report) String() string {
	return fmt.Sprintf("n=%d top1=%.4f top3=%.4f ms/ticket=%.4f", r.N, r.Top1, r.Top3, r.MsPerTicket)
}

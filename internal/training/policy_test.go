package training_test

import (
	"testing"

	"github.com/gongzhi/gongzhi/internal/training"
)

func TestPolicy(t *testing.T) {
	const area = "110117001001"
	if !training.CanRecord(admin, area) || !training.CanRecord(handler, area) || training.CanRecord(outsider, area) ||
		training.CanRecord(auditor, area) || training.CanRecord(resident, area) {
		t.Fatal("who records")
	}
	if !training.CanRead(super, area) || training.CanRead(outsider, area) || training.CanRead(resident, area) || training.CanRead(auditor, area) {
		t.Fatal("who reads")
	}
	if training.CanList(resident) || training.CanList(auditor) || !training.CanList(handler) {
		t.Fatal("who lists")
	}
}

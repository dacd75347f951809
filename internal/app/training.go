package app

import "github.com/gongzhi/gongzhi/internal/training"

// wireTraining builds the training sessions' service and gives the
// indicator catalogue the share of staff trained.
func wireTraining(a *App) {
	a.Training = training.NewService(a.DB, a.Clock)
	a.Indicators.SetTrained(a.Training.StaffTrained)
}

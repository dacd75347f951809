package opendata

import (
	"github.com/gongzhi/gongzhi/internal/auth"
	"github.com/gongzhi/gongzhi/internal/errs"
)

// Who may do what with the open data: the one place these rules live.
//
//   - Anyone, without an account, reads the catalogue of the published
//     datasets and downloads them (CanRead); the surfaces limit how often
//     per address.
//   - Only the district's administrator switches a dataset on or off
//     (CanSwitch), and she alone sees the unpublished ones in the
//     catalogue and reads them before she publishes them (CanSeeUnpublished).
//   - What the public reads of each dataset is fixed by the dataset, not by
//     the reader: ticket statistics are counts and rates of a street,
//     category and month, a cell below the threshold suppressed; no row of
//     a ticket, no name, phone, address or place of a reporter. The
//     evaluation's figures are those its public settings disclose; the
//     services those shown to residents, of organisations; the proposals
//     those disclosed to everyone, without the proposer and with personal
//     numbers masked.

var (
	errSwitch = errs.New(errs.Forbidden, "只有系统管理员可以开放或关闭数据集", "only the administrator publishes or withdraws datasets")
	errNoSet  = errs.NotFoundf("没有这个数据集", "no such dataset")
)

// CanSwitch reports whether u publishes and withdraws datasets.
func CanSwitch(u auth.User) bool { return u.IsAdmin() }

// CanSeeUnpublished reports whether u sees the datasets not published.
func CanSeeUnpublished(u auth.User) bool { return u.IsAdmin() }

// CanRead reports whether u reads a dataset published or not as it is.
func CanRead(u auth.User, published bool) bool { return published || CanSeeUnpublished(u) }

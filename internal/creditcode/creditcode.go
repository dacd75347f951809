// Package creditcode checks the unified social credit code (统一社会信用代码,
// GB 32100-2015) that identifies an enterprise or another organisation: 18
// characters from 0-9 and A-Y without I, O, Z, S and V, the last of them a
// check character computed from the first 17.
package creditcode

import (
	"strings"

	"github.com/gongzhi/gongzhi/internal/errs"
)

// Length is the number of characters of a code.
const Length = 18

// alphabet holds the 31 characters in the order of their values 0..30.
const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// weights are 3^(i-1) mod 31 for the positions 1..17.
var weights = [Length - 1]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

func value(c byte) int { return strings.IndexByte(alphabet, c) }

// Normalize trims the code and writes it in capitals.
func Normalize(code string) string { return strings.ToUpper(strings.TrimSpace(code)) }

// CheckChar returns the check character of the first 17 characters of a
// code, and false when they are not 17 characters of the code's alphabet.
func CheckChar(first17 string) (byte, bool) {
	if len(first17) != Length-1 {
		return 0, false
	}
	sum := 0
	for i := 0; i < Length-1; i++ {
		v := value(first17[i])
		if v < 0 {
			return 0, false
		}
		sum += v * weights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return alphabet[c], true
}

// Check normalizes a code and returns it, or the reason it is not a valid
// unified social credit code, in Chinese and English.
func Check(code string) (string, error) {
	code = Normalize(code)
	if len(code) != Length {
		return code, errs.Invalidf("统一社会信用代码须为18位", "the unified social credit code must be 18 characters")
	}
	for i := 0; i < Length; i++ {
		if value(code[i]) < 0 {
			return code, errs.Invalidf("统一社会信用代码只能由数字和除I、O、Z、S、V以外的大写字母组成（第%d位不符）",
				"the unified social credit code may hold only digits and the letters A-Y other than I, O, Z, S and V (position %d is not one)", i+1)
		}
	}
	want, _ := CheckChar(code[:Length-1])
	if code[Length-1] != want {
		return code, errs.Invalidf("统一社会信用代码校验位不正确，请核对后重新填写", "the check character of the unified social credit code is wrong; please check the code")
	}
	return code, nil
}

// Valid reports whether code, as given, is a valid code (no trimming, no
// change of case).
func Valid(code string) bool {
	if code != Normalize(code) {
		return false
	}
	_, err := Check(code)
	return err == nil
}

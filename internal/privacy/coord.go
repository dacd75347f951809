package privacy

import "math"

// DefaultPrecision is how coarse, in metres, a location is in public
// outputs unless configured otherwise: about a block, enough to see where a
// problem is, not which home reported it.
const DefaultPrecision = 100

// metresPerDegree is the length of a degree of latitude (and of longitude
// at the equator).
const metresPerDegree = 111320.0

// RoundCoord moves a point to the centre-line of a grid whose cells are
// about metres wide, so that every point of a cell is shown as the same
// point. Latitude is rounded first, and longitude's step follows from the
// rounded latitude, so the result depends only on the cell. metres <= 0
// leaves the point as it is.
func RoundCoord(lat, lng, metres float64) (float64, float64) {
	if metres <= 0 || math.IsNaN(lat) || math.IsNaN(lng) {
		return lat, lng
	}
	step := metres / metresPerDegree
	lat = snap(lat, step)
	cos := math.Cos(lat * math.Pi / 180)
	if cos < 0.01 {
		cos = 0.01
	}
	lng = snap(lng, math.Min(step/cos, 360))
	return lat, lng
}

// snap rounds v to a multiple of step, and then to six decimals (about
// 0.1 m) so that it prints without the noise of binary fractions.
func snap(v, step float64) float64 {
	v = math.Round(v/step) * step
	return math.Round(v*1e6) / 1e6
}

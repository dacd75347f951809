package gov

import "math"

// EarthRadius is the earth's mean radius in metres, the one sphere every
// distance in the project is measured on.
const EarthRadius = 6371008.8

// MetresPerDegree is the length of a degree of latitude on that sphere.
const MetresPerDegree = EarthRadius * math.Pi / 180

// Haversine returns the great-circle distance in metres between two points
// given in degrees.
func Haversine(lat1, lng1, lat2, lng2 float64) float64 {
	rad := math.Pi / 180
	dlat, dlng := (lat2-lat1)*rad, (lng2-lng1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlng/2)*math.Sin(dlng/2)
	// Rounding can push a just above 1 for points nearly opposite.
	return 2 * EarthRadius * math.Asin(math.Min(1, math.Sqrt(a)))
}

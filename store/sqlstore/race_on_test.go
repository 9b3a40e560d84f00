//go:build race

package sqlstore

// raceEnabled: the race detector slows the heavy tests about tenfold, so
// they check less.
const raceEnabled = true

package flowgatemeasureprocessor

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The cursor is only a shortcut: whatever the order of arrival, the count is the number of
// distinct series, and add reports exactly the first sighting of each.
func TestSeriesCounterAnyOrder(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	series := make([]uint64, 500)
	for i := range series {
		series[i] = rnd.Uint64()
	}
	series[7] = 0 // the empty-slot marker must still count as a series
	mem := &memoryBudget{limit: 1 << 30}
	var s seriesCounter
	seen := map[uint64]bool{}
	feed := func(order []uint64) {
		for _, h := range order {
			assert.Equal(t, !seen[h], s.add(h, 10_000, mem), "first sighting of %x", h)
			seen[h] = true
		}
	}
	feed(series[:300])    // in order
	feed(series[:300])    // same order again: all known
	feed(series[100:400]) // a jump into the middle, then 100 new ones
	shuffled := append([]uint64(nil), series...)
	rnd.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	feed(shuffled) // any order: 100 new
	n, exact := s.count()
	assert.Equal(t, uint64(500), n)
	assert.True(t, exact)

	// Past the limit: an estimate.
	var big seriesCounter
	for i := 0; i < 20_000; i++ {
		big.add(hashString(string(rune(i))+"x"), 1000, mem)
	}
	n, exact = big.count()
	assert.False(t, exact)
	assert.InDelta(t, 20_000, float64(n), 1000)
}

package flowgatemeasureprocessor

import "sync/atomic"

// Approximate costs used by the memory budget (Go map slots with their control bytes and load
// factor, struct headers). They need not be exact, only proportional.
const (
	exactEntryBytes  = 16
	metricEntryBytes = 512
	labelEntryBytes  = 192
	// A set at least this large frees memory when it turns into a sketch.
	sketchBreakEven = hllBytes / exactEntryBytes
)

// memoryBudget is shared by everything of one window; past the limit, detail stops growing.
type memoryBudget struct {
	used  atomic.Int64
	limit int64
}

// A nil budget is unlimited: for counters bounded by their own exact limit.
func (b *memoryBudget) add(n int64) {
	if b != nil {
		b.used.Add(n)
	}
}

func (b *memoryBudget) over() bool { return b != nil && b.used.Load() > b.limit }

// distinctCounter counts distinct 64-bit hashes: exactly up to a limit, then with a HyperLogLog
// sketch. When the memory budget is exhausted a small set stops growing (frozen: its count is then
// a lower bound) and a large one turns into a sketch (which is smaller).
type distinctCounter struct {
	exact  map[uint64]struct{}
	sketch *hyperLogLog
	frozen bool
}

// add counts h and reports whether it was new to an exact set (the caller keeps examples then).
func (d *distinctCounter) add(h uint64, limit int, mem *memoryBudget) bool {
	if d.sketch != nil {
		d.sketch.add(h)
		return false
	}
	if _, ok := d.exact[h]; ok || d.frozen {
		return false
	}
	n := len(d.exact)
	if n >= limit || (n >= sketchBreakEven && mem.over()) {
		d.toSketch(mem)
		d.sketch.add(h)
		return false
	}
	if mem.over() {
		d.frozen = true
		return false
	}
	if d.exact == nil {
		d.exact = make(map[uint64]struct{}, 8)
	}
	d.exact[h] = struct{}{}
	mem.add(exactEntryBytes)
	return true
}

func (d *distinctCounter) toSketch(mem *memoryBudget) {
	s := &hyperLogLog{}
	for h := range d.exact {
		s.add(h)
	}
	mem.add(hllBytes - int64(len(d.exact))*exactEntryBytes)
	d.sketch = s
	d.exact = nil
}

// count returns the number of distinct hashes and whether it is exact.
func (d *distinctCounter) count() (n uint64, exact bool) {
	if d.sketch != nil {
		return d.sketch.estimate(), false
	}
	return uint64(len(d.exact)), !d.frozen
}

package flowgatemeasureprocessor

import "sync/atomic"

// Approximate costs used by the memory budget. They need not be exact, only proportional.
const (
	metricEntryBytes = 512
	labelEntryBytes  = 192
	// A set at least this large (in slots) frees memory when it turns into a sketch.
	sketchBreakEven = hllBytes / 8
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

// hashSet is an open-addressing set of 64-bit hashes (linear probing, at most 3/4 full). The
// hashes are already uniformly spread, so their low bits index the table directly; zero marks an
// empty slot, and a zero hash is stored as 1. Several times faster than a Go map for this one job.
type hashSet struct {
	slots []uint64
	n     int
}

const minSetSlots = 8

// insert adds h and reports whether it was new; grown is the number of bytes the table grew by.
func (s *hashSet) insert(h uint64) (isNew bool, grown int64) {
	if h == 0 {
		h = 1
	}
	if s.slots == nil {
		s.slots = make([]uint64, minSetSlots)
		grown = minSetSlots * 8
	}
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case h:
			return false, grown
		case 0:
			s.slots[i] = h
			s.n++
			if s.n*4 > len(s.slots)*3 {
				grown += int64(len(s.slots)) * 8
				s.grow()
			}
			return true, grown
		}
	}
}

func (s *hashSet) contains(h uint64) bool {
	if h == 0 {
		h = 1
	}
	if s.slots == nil {
		return false
	}
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case h:
			return true
		case 0:
			return false
		}
	}
}

func (s *hashSet) grow() {
	old := s.slots
	s.slots = make([]uint64, 2*len(old))
	mask := uint64(len(s.slots) - 1)
	for _, h := range old {
		if h == 0 {
			continue
		}
		i := h & mask
		for s.slots[i] != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = h
	}
}

// distinctCounter counts distinct 64-bit hashes: exactly up to a limit, then with a HyperLogLog
// sketch. When the memory budget is exhausted a small set stops growing (frozen: its count is then
// a lower bound) and a large one turns into a sketch (which is smaller).
type distinctCounter struct {
	exact  hashSet
	sketch *hyperLogLog
	frozen bool
}

// add counts h and reports whether it was new to an exact set (the caller keeps examples then).
func (d *distinctCounter) add(h uint64, limit int, mem *memoryBudget) bool {
	if d.sketch != nil {
		d.sketch.add(h)
		return false
	}
	if d.frozen || d.exact.contains(h) {
		return false
	}
	n := d.exact.n
	if n >= limit || (len(d.exact.slots) >= sketchBreakEven && mem.over()) {
		d.toSketch(mem)
		d.sketch.add(h)
		return false
	}
	if mem.over() {
		d.frozen = true
		return false
	}
	_, grown := d.exact.insert(h)
	mem.add(grown)
	return true
}

// tracksNew: add reports every new hash (the counter is exact and not frozen).
func (d *distinctCounter) tracksNew() bool { return d.sketch == nil && !d.frozen }

func (d *distinctCounter) toSketch(mem *memoryBudget) {
	s := &hyperLogLog{}
	for _, h := range d.exact.slots {
		if h != 0 {
			s.add(h)
		}
	}
	mem.add(hllBytes - int64(len(d.exact.slots))*8)
	d.sketch = s
	d.exact = hashSet{}
}

// count returns the number of distinct hashes and whether it is exact.
func (d *distinctCounter) count() (n uint64, exact bool) {
	if d.sketch != nil {
		return d.sketch.estimate(), false
	}
	return uint64(d.exact.n), !d.frozen
}

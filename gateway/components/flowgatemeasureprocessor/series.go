package flowgatemeasureprocessor

// seriesCounter counts a metric's distinct series like distinctCounter, tuned for how series
// arrive: a producer sends a metric's series in the same order batch after batch, so the next
// point is most often the series after the one just seen. The counter keeps the series in
// first-seen order with a cursor; a point matching the series under the cursor costs one
// sequential read, and only a jump looks the series up in the hash index (a random memory access,
// which profiling showed to be the largest single cost of measuring in a busy collector).
type seriesCounter struct {
	order  []uint64
	index  seriesIndex
	cursor int
	sketch *hyperLogLog
	frozen bool
}

// add counts h and reports whether it is a new series (only known while counting exactly).
func (s *seriesCounter) add(h uint64, limit int, mem *memoryBudget) bool {
	if s.sketch != nil {
		s.sketch.add(h)
		return false
	}
	if s.cursor < len(s.order) && s.order[s.cursor] == h {
		s.cursor++
		return false
	}
	if pos, ok := s.index.get(h); ok {
		s.cursor = pos + 1
		return false
	}
	if s.frozen {
		return false
	}
	n := len(s.order)
	if n >= limit || (n >= sketchBreakEven/3 && mem.over()) {
		s.toSketch(mem)
		s.sketch.add(h)
		return false
	}
	if mem.over() {
		s.frozen = true
		return false
	}
	grown := s.index.put(h, n)
	if len(s.order) == cap(s.order) {
		grown += int64(max(cap(s.order), 8)) * 8
	}
	s.order = append(s.order, h)
	s.cursor = n + 1
	mem.add(grown)
	return true
}

func (s *seriesCounter) tracksNew() bool { return s.sketch == nil && !s.frozen }

func (s *seriesCounter) toSketch(mem *memoryBudget) {
	sk := &hyperLogLog{}
	for _, h := range s.order {
		sk.add(h)
	}
	mem.add(hllBytes - int64(cap(s.order))*8 - int64(len(s.index.slots))*16)
	s.sketch, s.order, s.index, s.cursor = sk, nil, seriesIndex{}, 0
}

func (s *seriesCounter) count() (n uint64, exact bool) {
	if s.sketch != nil {
		return s.sketch.estimate(), false
	}
	return uint64(len(s.order)), !s.frozen
}

// seriesIndex maps a series hash to its position in seriesCounter.order (open addressing, linear
// probing, at most 3/4 full; hash 0 is stored as 1, like hashSet).
type seriesIndex struct {
	slots []seriesSlot
	n     int
}

type seriesSlot struct {
	hash uint64
	pos  int
}

func (x *seriesIndex) get(h uint64) (int, bool) {
	if h == 0 {
		h = 1
	}
	if x.slots == nil {
		return 0, false
	}
	mask := uint64(len(x.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch x.slots[i].hash {
		case h:
			return x.slots[i].pos, true
		case 0:
			return 0, false
		}
	}
}

// put adds a hash that is not in the index; it returns the bytes the table grew by.
func (x *seriesIndex) put(h uint64, pos int) (grown int64) {
	if h == 0 {
		h = 1
	}
	if x.slots == nil {
		x.slots = make([]seriesSlot, minSetSlots)
		grown = minSetSlots * 16
	}
	x.insert(h, pos)
	x.n++
	if x.n*4 > len(x.slots)*3 {
		grown += int64(len(x.slots)) * 16
		old := x.slots
		x.slots = make([]seriesSlot, 2*len(old))
		for _, sl := range old {
			if sl.hash != 0 {
				x.insert(sl.hash, sl.pos)
			}
		}
	}
	return grown
}

func (x *seriesIndex) insert(h uint64, pos int) {
	mask := uint64(len(x.slots) - 1)
	i := h & mask
	for x.slots[i].hash != 0 {
		i = (i + 1) & mask
	}
	x.slots[i] = seriesSlot{hash: h, pos: pos}
}

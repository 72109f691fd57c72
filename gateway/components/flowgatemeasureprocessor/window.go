package flowgatemeasureprocessor

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// metricShards spreads metric names over independently locked maps: a batch locks only the
// shard of the metric it is measuring, so concurrent batches rarely wait for each other, and
// every metric lives in exactly one shard (its state is never duplicated).
const metricShards = 64

// window holds what one instance measured between start and the next cut.
type window struct {
	start time.Time
	// inflight counts batches still writing into this window (see measurer.enter / cut).
	inflight atomic.Int64
	items    atomic.Int64
	bytes    atomic.Int64
	mem      memoryBudget
	// trackedMetrics counts metric entries created, against limits.max_metrics.
	trackedMetrics atomic.Int64
	shards         [metricShards]metricShard
	logs           logGroups
}

type metricShard struct {
	mu      sync.Mutex
	metrics map[string]*metricStats
	// dropped: distinct names left out of this shard (max_metrics or the memory budget).
	dropped distinctCounter
}

// metricStats is one metric name's detail in a window.
type metricStats struct {
	name        string
	typ         pmetric.MetricType
	unit        string
	monotonic   bool
	temporality pmetric.AggregationTemporality
	series      seriesCounter
	datapoints  int64
	// bytes is added after the shard lock is released (a batch's share of its resource).
	bytes atomic.Int64
	// lastResource: the resource attribute set last counted, to skip recounting it per batch.
	lastResource uint64
	hasResource  bool
	// labels are the data point attribute keys; order is the order last seen, which makes the
	// positional lookup in labelAt hit for batches whose points list attributes the same way.
	labels         []*labelStats
	labelIndex     map[string]*labelStats
	resourceLabels []*labelStats
	resourceIndex  map[string]*labelStats
	// labelsTruncated: the memory budget kept some label keys out.
	labelsTruncated bool
	// keys caches the hash of the attribute key last seen at each position: points of a metric
	// usually list the same keys in the same order, and comparing is cheaper than hashing.
	keys []cachedKey
}

type cachedKey struct {
	key  string
	hash uint64
}

// maxCachedKeys bounds the positions cached per metric.
const maxCachedKeys = 32

// What one summary may carry, within the bounds the control plane accepts (it refuses a whole
// message past them): label keys per metric (and per resource), and the length of names.
const (
	maxLabelKeys = 128
	maxNameLen   = 1024
	maxUnitLen   = 256
	maxSevLen    = 64
	// maxPointsPerMessage: points of one summary; more go into further messages.
	maxPointsPerMessage = 256
)

func (ms *metricStats) keyHashAt(i int, key string) uint64 {
	if i < len(ms.keys) && ms.keys[i].key == key {
		return ms.keys[i].hash
	}
	return ms.cacheKey(i, key)
}

func (ms *metricStats) cacheKey(i int, key string) uint64 {
	h := hashString(key)
	if i < maxCachedKeys {
		for len(ms.keys) <= i {
			ms.keys = append(ms.keys, cachedKey{})
		}
		ms.keys[i] = cachedKey{key: string([]byte(key)), hash: h}
	}
	return h
}

// labelStats is one attribute key's distinct values and examples.
type labelStats struct {
	key      string
	keyHash  uint64
	values   distinctCounter
	examples []string
	// last is the value hash last counted: consecutive points often repeat a value.
	last    uint64
	hasLast bool
}

func newWindow(start time.Time, limits Limits) *window {
	w := &window{start: start}
	w.mem.limit = int64(limits.MaxMemoryMiB) << 20
	return w
}

// enter pins the current window for one batch. A cut swaps the window first and then waits for
// the batches pinned to the old one, so a batch is counted wholly in one window.
func (m *measurer) enter() *window {
	for {
		w := m.current.Load()
		w.inflight.Add(1)
		if m.current.Load() == w {
			return w
		}
		w.inflight.Add(-1)
	}
}

func (w *window) leave() { w.inflight.Add(-1) }

// cut closes the current window and opens the next one at end.
func (m *measurer) cut(end time.Time) *window {
	old := m.current.Swap(newWindow(end, m.cfg.Limits))
	for spins := 0; old.inflight.Load() != 0; spins++ {
		if spins < 100 {
			runtime.Gosched()
		} else {
			time.Sleep(50 * time.Microsecond)
		}
	}
	return old
}

// label returns the stats of a key, looked up at its position first.
func (ms *metricStats) labelAt(i int, key string, resource bool, mem *memoryBudget) *labelStats {
	list, index := &ms.labels, &ms.labelIndex
	if resource {
		list, index = &ms.resourceLabels, &ms.resourceIndex
	}
	if i < len(*list) && (*list)[i].key == key {
		return (*list)[i]
	}
	ls := (*index)[key]
	if ls == nil {
		if key == "" {
			return nil // an empty key names nothing a user could select on
		}
		if len(*index) >= maxLabelKeys || len(key) > maxNameLen || mem.over() {
			ms.labelsTruncated = true
			return nil
		}
		if *index == nil {
			*index = make(map[string]*labelStats, 8)
		}
		ls = &labelStats{key: string([]byte(key)), keyHash: hashString(key)}
		(*index)[ls.key] = ls
		mem.add(labelEntryBytes + int64(len(key)))
	}
	// Remember the position for the next point.
	if i < maxCachedKeys {
		for len(*list) <= i {
			*list = append(*list, ls)
		}
		(*list)[i] = ls
	}
	return ls
}

// count records one value of the key.
func (ls *labelStats) count(valHash uint64, v pcommon.Value, lim *Limits, mem *memoryBudget) {
	if ls.hasLast && ls.last == valHash {
		return
	}
	ls.last, ls.hasLast = valHash, true
	if ls.values.add(valHash, lim.MaxExactValues, mem) && len(ls.examples) < lim.MaxExamples {
		ex := exampleOf(v)
		ls.examples = append(ls.examples, ex)
		mem.add(int64(len(ex)) + 16)
	}
}

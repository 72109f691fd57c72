package flowgatemeasureprocessor

import (
	"sync"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

var metricsSizer pmetric.ProtoMarshaler

// maxDroppedNamesExact bounds the exact set of metric names left out, per shard (then a sketch).
// It is outside the memory budget — the count must go on when the budget is spent — and costs at
// most metricShards × max(1000 × 16 B, 4 KiB) = 1 MiB.
const maxDroppedNamesExact = 1000

// metricsScratch is reused between batches (sync.Pool) so that measuring allocates little.
type metricsScratch struct {
	res      []resourceAttr
	entries  []measuredMetric
	deferred []int
	scopes   []int
	tmpRM    pmetric.ResourceMetrics
	tmpSM    pmetric.ScopeMetrics
}

type resourceAttr struct {
	key   string
	hash  uint64 // attrHash: the value seeded with the key
	value pcommon.Value
}

// measuredMetric is one metric of the resource being measured: its stats entry (nil when not
// tracked), its framed protobuf size, and the scope it belongs to.
type measuredMetric struct {
	metric pmetric.Metric
	shard  *metricShard
	stats  *metricStats
	size   int
	scope  int
}

var metricsScratchPool = sync.Pool{New: func() any {
	return &metricsScratch{tmpRM: pmetric.NewResourceMetrics(), tmpSM: pmetric.NewScopeMetrics()}
}}

// resourceSize is the size of rm without its scope_metrics: resource and schema_url.
func (sc *metricsScratch) resourceSize(rm pmetric.ResourceMetrics) int {
	rm.Resource().CopyTo(sc.tmpRM.Resource())
	sc.tmpRM.SetSchemaUrl(rm.SchemaUrl())
	n := metricsSizer.ResourceMetricsSize(sc.tmpRM)
	sc.tmpRM.Resource().Attributes().Clear()
	return n
}

// scopeSize is the size of sm without its metrics: scope and schema_url.
func (sc *metricsScratch) scopeSize(sm pmetric.ScopeMetrics) int {
	sm.Scope().CopyTo(sc.tmpSM.Scope())
	sc.tmpSM.SetSchemaUrl(sm.SchemaUrl())
	n := metricsSizer.ScopeMetricsSize(sc.tmpSM)
	sc.tmpSM.Scope().Attributes().Clear()
	return n
}

// measureMetrics adds one batch to the current window. Each resource is walked once: every metric
// is measured under its shard's lock (sizes come out of the same walk), then the resource's framed
// size is shared among its metrics in proportion to their own sizes.
func (m *measurer) measureMetrics(md pmetric.Metrics) {
	w := m.enter()
	defer w.leave()
	sc := metricsScratchPool.Get().(*metricsScratch)
	defer metricsScratchPool.Put(sc)

	var total, points int64
	rms := md.ResourceMetrics()
	for i := 0; i < rms.Len(); i++ {
		rm := rms.At(i)
		sc.res = sc.res[:0]
		var resSet uint64
		for k, v := range rm.Resource().Attributes().All() {
			h := attrHash(v, hashString(k))
			sc.res = append(sc.res, resourceAttr{key: k, hash: h, value: v})
			resSet += h
		}

		sc.entries, sc.deferred, sc.scopes = sc.entries[:0], sc.deferred[:0], sc.scopes[:0]
		sms := rm.ScopeMetrics()
		for j := 0; j < sms.Len(); j++ {
			ms := sms.At(j).Metrics()
			sc.scopes = append(sc.scopes, 0)
			for k := 0; k < ms.Len(); k++ {
				metric := ms.At(k)
				points += int64(dataPointCount(metric))
				e := measuredMetric{metric: metric, shard: &w.shards[hashString(metric.Name())%metricShards], scope: j}
				// A shard busy with another batch is measured after the others.
				if !e.shard.mu.TryLock() {
					sc.deferred = append(sc.deferred, len(sc.entries))
					sc.entries = append(sc.entries, e)
					continue
				}
				e.stats, e.size = m.measureMetric(w, e.shard, metric, resSet, sc.res)
				e.shard.mu.Unlock()
				sc.entries = append(sc.entries, e)
			}
		}
		for _, idx := range sc.deferred {
			e := &sc.entries[idx]
			e.shard.mu.Lock()
			e.stats, e.size = m.measureMetric(w, e.shard, e.metric, resSet, sc.res)
			e.shard.mu.Unlock()
		}

		// Sizes: scope = its own fields + its framed metrics; resource likewise.
		metricsSize := 0
		for _, e := range sc.entries {
			f := framed(e.size)
			sc.scopes[e.scope] += f
			metricsSize += f
		}
		rmSize := sc.resourceSize(rm)
		for j := 0; j < sms.Len(); j++ {
			rmSize += framed(sc.scopeSize(sms.At(j)) + sc.scopes[j])
		}
		rmFramed := framed(rmSize)
		total += int64(rmFramed)
		share := newProportional(rmFramed, metricsSize)
		for _, e := range sc.entries {
			b := share.next(framed(e.size))
			if e.stats != nil {
				e.stats.bytes.Add(b)
			}
		}
		clear(sc.res) // do not keep the batch's values alive in the pool
		clear(sc.entries)
	}
	w.items.Add(points)
	w.bytes.Add(total)
}

func dataPointCount(metric pmetric.Metric) int {
	switch metric.Type() {
	case pmetric.MetricTypeGauge:
		return metric.Gauge().DataPoints().Len()
	case pmetric.MetricTypeSum:
		return metric.Sum().DataPoints().Len()
	case pmetric.MetricTypeHistogram:
		return metric.Histogram().DataPoints().Len()
	case pmetric.MetricTypeExponentialHistogram:
		return metric.ExponentialHistogram().DataPoints().Len()
	case pmetric.MetricTypeSummary:
		return metric.Summary().DataPoints().Len()
	}
	return 0
}

// measureMetric adds one metric of a batch to its shard (the caller holds shard.mu) and returns
// its stats entry (nil when the metric is not tracked) and its protobuf size.
func (m *measurer) measureMetric(w *window, shard *metricShard, metric pmetric.Metric, resSet uint64, res []resourceAttr) (*metricStats, int) {
	lim := &m.cfg.Limits
	name := metric.Name()
	ms := shard.metrics[name]
	if ms == nil {
		if !m.admitMetric(w) {
			shard.dropped.add(hashString(name), maxDroppedNamesExact, nil)
			return nil, metricsSizer.MetricSize(metric)
		}
		ms = newMetricStats(metric)
		if shard.metrics == nil {
			shard.metrics = make(map[string]*metricStats)
		}
		shard.metrics[ms.name] = ms
		w.mem.add(metricEntryBytes + int64(len(name)))
	}
	if !ms.hasResource || ms.lastResource != resSet {
		ms.hasResource, ms.lastResource = true, resSet
		for i := range res {
			if ls := ms.labelAt(i, res[i].key, true, &w.mem); ls != nil {
				ls.count(res[i].hash, res[i].value, lim, &w.mem)
			}
		}
	}

	var dataSize int
	switch metric.Type() {
	case pmetric.MetricTypeGauge:
		dps := metric.Gauge().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			dataSize += framed(m.measureNumberPoint(w, ms, dps.At(i), resSet))
		}
	case pmetric.MetricTypeSum:
		sum := metric.Sum()
		dps := sum.DataPoints()
		for i := 0; i < dps.Len(); i++ {
			dataSize += framed(m.measureNumberPoint(w, ms, dps.At(i), resSet))
		}
		if t := sum.AggregationTemporality(); t != 0 {
			dataSize += 1 + varintLen(uint64(t))
		}
		if sum.IsMonotonic() {
			dataSize += 2
		}
	default: // histograms and summaries: pdata's sizer
		m.measureOtherPoints(w, ms, metric, resSet)
		return ms, metricsSizer.MetricSize(metric)
	}
	if metric.Metadata().Len() > 0 {
		return ms, metricsSizer.MetricSize(metric)
	}
	// Metric: name = 1, description = 2, unit = 3, gauge = 5 / sum = 7 (always framed).
	size := framed(dataSize)
	for _, s := range [...]int{len(name), len(metric.Description()), len(metric.Unit())} {
		if s > 0 {
			size += framed(s)
		}
	}
	return ms, size
}

func (m *measurer) measureOtherPoints(w *window, ms *metricStats, metric pmetric.Metric, resSet uint64) {
	switch metric.Type() {
	case pmetric.MetricTypeHistogram:
		dps := metric.Histogram().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			m.measurePoint(w, ms, dps.At(i).Attributes(), resSet)
		}
	case pmetric.MetricTypeExponentialHistogram:
		dps := metric.ExponentialHistogram().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			m.measurePoint(w, ms, dps.At(i).Attributes(), resSet)
		}
	case pmetric.MetricTypeSummary:
		dps := metric.Summary().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			m.measurePoint(w, ms, dps.At(i).Attributes(), resSet)
		}
	}
}

// admitMetric reserves a metric entry within max_metrics and the memory budget.
func (m *measurer) admitMetric(w *window) bool {
	if w.mem.over() {
		return false
	}
	for {
		n := w.trackedMetrics.Load()
		if n >= int64(m.cfg.Limits.MaxMetrics) {
			return false
		}
		if w.trackedMetrics.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

func newMetricStats(metric pmetric.Metric) *metricStats {
	ms := &metricStats{name: string([]byte(metric.Name())), typ: metric.Type(), unit: string([]byte(metric.Unit()))}
	switch metric.Type() {
	case pmetric.MetricTypeSum:
		ms.monotonic = metric.Sum().IsMonotonic()
		ms.temporality = metric.Sum().AggregationTemporality()
	case pmetric.MetricTypeHistogram:
		ms.temporality = metric.Histogram().AggregationTemporality()
	case pmetric.MetricTypeExponentialHistogram:
		ms.temporality = metric.ExponentialHistogram().AggregationTemporality()
	}
	return ms
}

// measureNumberPoint counts one gauge or sum point and returns its protobuf size, computed in the
// same pass over its attributes (NumberDataPoint: attributes = 7, start_time = 2 and time = 3
// fixed64, as_double = 4 / as_int = 6 fixed64, exemplars = 5, flags = 8; KeyValue: key = 1,
// value = 2). Points with exemplars or map/slice values are sized by pdata instead.
func (m *measurer) measureNumberPoint(w *window, ms *metricStats, dp pmetric.NumberDataPoint, resSet uint64) int {
	ms.datapoints++
	attrs := dp.Attributes()
	var set uint64
	var hashes [maxCachedKeys]uint64
	size := 0
	exact := true
	i := 0
	for k, v := range attrs.All() {
		h, vs, ok := attrHashSize(v, ms.keyHashAt(i, k))
		exact = exact && ok
		set += h
		if i < maxCachedKeys {
			hashes[i] = h
		}
		kv := framedSmall(vs)
		if len(k) > 0 {
			kv += framedSmall(len(k))
		}
		size += framedSmall(kv)
		i++
	}
	m.countSeries(w, ms, attrs, resSet, set, hashes[:min(i, maxCachedKeys)])
	if !exact || dp.Exemplars().Len() > 0 {
		return metricsSizer.NumberDataPointSize(dp)
	}
	if dp.StartTimestamp() != 0 {
		size += 9
	}
	if dp.Timestamp() != 0 {
		size += 9
	}
	if dp.ValueType() != pmetric.NumberDataPointValueTypeEmpty {
		size += 9
	}
	if f := uint64(dp.Flags()); f != 0 {
		size += 1 + varintLen(f)
	}
	return size
}

// measurePoint counts one histogram or summary point.
func (m *measurer) measurePoint(w *window, ms *metricStats, attrs pcommon.Map, resSet uint64) {
	ms.datapoints++
	var set uint64
	i := 0
	for k, v := range attrs.All() {
		set += attrHash(v, ms.keyHashAt(i, k))
		i++
	}
	m.countSeries(w, ms, attrs, resSet, set, nil)
}

// countSeries counts the point's series, and its attribute values only when the series is new:
// a series seen before in this window brought the same values then. (When the series count is
// an estimate, novelty is unknown and every point's values are counted.) hashes holds the
// attributes' hashes already computed, by position.
func (m *measurer) countSeries(w *window, ms *metricStats, attrs pcommon.Map, resSet, set uint64, hashes []uint64) {
	lim := &m.cfg.Limits
	tracksNew := ms.series.tracksNew()
	if !ms.series.add(seriesHash(resSet, set), lim.MaxExactSeries, &w.mem) && tracksNew {
		return
	}
	i := 0
	for k, v := range attrs.All() {
		if ls := ms.labelAt(i, k, false, &w.mem); ls != nil {
			h := uint64(0)
			if i < len(hashes) {
				h = hashes[i]
			} else {
				h = attrHash(v, ls.keyHash)
			}
			ls.count(h, v, lim, &w.mem)
		}
		i++
	}
}

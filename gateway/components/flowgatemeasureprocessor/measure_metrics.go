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
	sizes    []int
	res      []resourceAttr
	deferred []deferredMetric
	tmpRM    pmetric.ResourceMetrics
	tmpSM    pmetric.ScopeMetrics
}

type resourceAttr struct {
	key     string
	keyHash uint64
	valHash uint64
	value   pcommon.Value
}

type deferredMetric struct {
	metric pmetric.Metric
	bytes  int64
	shard  *metricShard
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

// measureMetrics adds one batch to the current window.
func (m *measurer) measureMetrics(md pmetric.Metrics) {
	w := m.enter()
	defer w.leave()
	sc := metricsScratchPool.Get().(*metricsScratch)
	defer metricsScratchPool.Put(sc)

	var total, points int64
	rms := md.ResourceMetrics()
	for i := 0; i < rms.Len(); i++ {
		rm := rms.At(i)

		// Sizes first: the resource's framed size is shared among its metrics by their sizes.
		sc.sizes = sc.sizes[:0]
		rmSize := sc.resourceSize(rm)
		metricsSize := 0
		sms := rm.ScopeMetrics()
		for j := 0; j < sms.Len(); j++ {
			sm := sms.At(j)
			smSize := sc.scopeSize(sm)
			ms := sm.Metrics()
			for k := 0; k < ms.Len(); k++ {
				f := framed(metricsSizer.MetricSize(ms.At(k)))
				sc.sizes = append(sc.sizes, f)
				smSize += f
				metricsSize += f
			}
			rmSize += framed(smSize)
		}
		rmFramed := framed(rmSize)
		total += int64(rmFramed)

		sc.res = sc.res[:0]
		var resSet uint64
		for k, v := range rm.Resource().Attributes().All() {
			kh, vh := hashString(k), valueHash(v)
			sc.res = append(sc.res, resourceAttr{key: k, keyHash: kh, valHash: vh, value: v})
			resSet += kvHash(kh, vh)
		}

		share := newProportional(rmFramed, metricsSize)
		sc.deferred = sc.deferred[:0]
		idx := 0
		for j := 0; j < sms.Len(); j++ {
			ms := sms.At(j).Metrics()
			for k := 0; k < ms.Len(); k++ {
				metric := ms.At(k)
				b := share.next(sc.sizes[idx])
				idx++
				points += int64(dataPointCount(metric))
				shard := &w.shards[hashString(metric.Name())%metricShards]
				// A shard busy with another batch is measured after the others.
				if !shard.mu.TryLock() {
					sc.deferred = append(sc.deferred, deferredMetric{metric: metric, bytes: b, shard: shard})
					continue
				}
				m.measureMetric(w, shard, metric, b, resSet, sc.res)
				shard.mu.Unlock()
			}
		}
		for _, d := range sc.deferred {
			d.shard.mu.Lock()
			m.measureMetric(w, d.shard, d.metric, d.bytes, resSet, sc.res)
			d.shard.mu.Unlock()
		}
		clear(sc.res) // do not keep the batch's values alive in the pool
		clear(sc.deferred)
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

// measureMetric adds one metric of a batch to its shard; the caller holds shard.mu.
func (m *measurer) measureMetric(w *window, shard *metricShard, metric pmetric.Metric, bytes int64, resSet uint64, res []resourceAttr) {
	lim := &m.cfg.Limits
	name := metric.Name()
	ms := shard.metrics[name]
	if ms == nil {
		if !m.admitMetric(w) {
			shard.dropped.add(hashString(name), maxDroppedNamesExact, nil)
			return
		}
		ms = newMetricStats(metric)
		if shard.metrics == nil {
			shard.metrics = make(map[string]*metricStats)
		}
		shard.metrics[ms.name] = ms
		w.mem.add(metricEntryBytes + int64(len(name)))
	}
	ms.bytes += bytes
	for i := range res {
		if ls := ms.labelAt(i, res[i].key, true, &w.mem); ls != nil {
			ls.count(res[i].valHash, res[i].value, lim, &w.mem)
		}
	}
	switch metric.Type() {
	case pmetric.MetricTypeGauge:
		dps := metric.Gauge().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			m.measurePoint(w, ms, dps.At(i).Attributes(), resSet)
		}
	case pmetric.MetricTypeSum:
		dps := metric.Sum().DataPoints()
		for i := 0; i < dps.Len(); i++ {
			m.measurePoint(w, ms, dps.At(i).Attributes(), resSet)
		}
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

// measurePoint counts one data point: its series and each attribute's value.
func (m *measurer) measurePoint(w *window, ms *metricStats, attrs pcommon.Map, resSet uint64) {
	ms.datapoints++
	lim := &m.cfg.Limits
	var set uint64
	i := 0
	for k, v := range attrs.All() {
		vh := valueHash(v)
		var kh uint64
		if ls := ms.labelAt(i, k, false, &w.mem); ls != nil {
			kh = ls.keyHash
			ls.count(vh, v, lim, &w.mem)
		} else {
			kh = hashString(k)
		}
		set += kvHash(kh, vh)
		i++
	}
	ms.series.add(seriesHash(resSet, set), lim.MaxExactSeries, &w.mem)
}

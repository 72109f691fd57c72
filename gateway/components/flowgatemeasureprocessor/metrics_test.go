package flowgatemeasureprocessor

import (
	"context"
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// requestsBatch: one resource (service.name, host.name) with
//   - http.server.requests: monotonic cumulative sum, unit "1", one point per route (40) × method (2)
//   - queue.depth: gauge, unit "{item}", three points (queue a, b, c)
//   - request.latency: delta histogram, unit "ms", two points (method GET, POST)
func requestsBatch(host string) pmetric.Metrics {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("service.name", "checkout")
	rm.Resource().Attributes().PutStr("host.name", host)
	sm := rm.ScopeMetrics().AppendEmpty()
	sm.Scope().SetName("flowgate.test")

	requests := sm.Metrics().AppendEmpty()
	requests.SetName("http.server.requests")
	requests.SetUnit("1")
	sum := requests.SetEmptySum()
	sum.SetIsMonotonic(true)
	sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
	for r := 0; r < 40; r++ {
		for _, method := range []string{"GET", "POST"} {
			dp := sum.DataPoints().AppendEmpty()
			dp.SetIntValue(int64(r))
			dp.Attributes().PutStr("http.route", fmt.Sprintf("/api/v1/items/%02d", r))
			dp.Attributes().PutStr("http.method", method)
		}
	}

	depth := sm.Metrics().AppendEmpty()
	depth.SetName("queue.depth")
	depth.SetUnit("{item}")
	for _, q := range []string{"a", "b", "c"} {
		dp := depth.SetEmptyGauge().DataPoints().AppendEmpty()
		dp.SetDoubleValue(1.5)
		dp.Attributes().PutStr("queue", q)
	}
	// SetEmptyGauge above resets the gauge each time: build the points afterwards instead.
	depth.SetEmptyGauge()
	for _, q := range []string{"a", "b", "c"} {
		dp := depth.Gauge().DataPoints().AppendEmpty()
		dp.SetDoubleValue(1.5)
		dp.Attributes().PutStr("queue", q)
	}

	latency := sm.Metrics().AppendEmpty()
	latency.SetName("request.latency")
	latency.SetUnit("ms")
	h := latency.SetEmptyHistogram()
	h.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
	for _, method := range []string{"GET", "POST"} {
		dp := h.DataPoints().AppendEmpty()
		dp.SetCount(3)
		dp.SetSum(12)
		dp.BucketCounts().FromRaw([]uint64{1, 2, 0})
		dp.ExplicitBounds().FromRaw([]float64{5, 10})
		dp.Attributes().PutStr("http.method", method)
	}
	return md
}

type metricsRun struct {
	reg   *fakeRegistry
	proc  *metricsProcessor
	sink  *consumertest.MetricsSink
	batch []pmetric.Metrics
}

func startMetrics(t *testing.T, cfg *Config) *metricsRun {
	t.Helper()
	reg := newFakeRegistry()
	sink := new(consumertest.MetricsSink)
	p, err := NewFactory().CreateMetrics(context.Background(), settings("in.0"), cfg, sink)
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), hostWith(reg)))
	return &metricsRun{reg: reg, proc: p.(*metricsProcessor), sink: sink}
}

func (r *metricsRun) consume(t *testing.T, md pmetric.Metrics) {
	t.Helper()
	require.NoError(t, r.proc.ConsumeMetrics(context.Background(), md))
	r.batch = append(r.batch, md)
}

// stop shuts the processor down (which reports its last window) and returns that summary.
func (r *metricsRun) stop(t *testing.T) decodedSummary {
	t.Helper()
	require.NoError(t, r.proc.Shutdown(context.Background()))
	sums := decodeSummaries(t, r.reg.messages(typeSummary))
	require.Len(t, sums, 1)
	return sums[0]
}

func metricByName(t *testing.T, s decodedSummary, name string) decodedMetric {
	t.Helper()
	for _, m := range s.Points[0].Metrics {
		if m.Name == name {
			return m
		}
	}
	t.Fatalf("metric %s not in the summary", name)
	return decodedMetric{}
}

func TestMetricsPassUnchanged(t *testing.T) {
	run := startMetrics(t, testConfig("metrics", "in"))
	md := requestsBatch("host-1")
	before, err := (&pmetric.ProtoMarshaler{}).MarshalMetrics(md)
	require.NoError(t, err)
	run.consume(t, md)
	run.stop(t)

	require.Len(t, run.sink.AllMetrics(), 1)
	got := run.sink.AllMetrics()[0]
	after, err := (&pmetric.ProtoMarshaler{}).MarshalMetrics(got)
	require.NoError(t, err)
	assert.Equal(t, before, after, "the batch must reach the next consumer byte for byte")
	assert.False(t, run.proc.Capabilities().MutatesData)
}

func TestMetricsSummary(t *testing.T) {
	run := startMetrics(t, testConfig("metrics/prod", "out"))
	run.consume(t, requestsBatch("host-1"))
	run.consume(t, requestsBatch("host-1")) // same series again
	run.consume(t, requestsBatch("host-2")) // new resource: new series
	s := run.stop(t)

	assert.Equal(t, []string{capability}, run.reg.capabilities)
	require.Len(t, s.Points, 1)
	p := s.Points[0]
	assert.Equal(t, "metrics/prod", p.Pipeline)
	assert.Equal(t, "out", p.Position)
	assert.Equal(t, "metrics", p.Signal)
	assert.False(t, p.Window.End.Before(p.Window.Start))
	require.NotNil(t, p.MetricsDropped)
	assert.Zero(t, *p.MetricsDropped)

	var wantBytes, wantItems int64
	for _, md := range run.batch {
		wantBytes += int64((&pmetric.ProtoMarshaler{}).MetricsSize(md))
		wantItems += int64(md.DataPointCount())
	}
	assert.Equal(t, wantItems, p.Items, "items = data points")
	assert.Equal(t, wantBytes, p.Bytes, "bytes = ExportMetricsServiceRequest size, summed over batches")

	var metricBytes int64
	for _, m := range p.Metrics {
		metricBytes += m.Bytes
	}
	assert.Equal(t, p.Bytes, metricBytes, "every byte is attributed to a metric")

	req := metricByName(t, s, "http.server.requests")
	assert.Equal(t, "sum", req.Type)
	assert.Equal(t, "1", req.Unit)
	require.NotNil(t, req.Monotonic)
	assert.True(t, *req.Monotonic)
	assert.Equal(t, "cumulative", req.Temporality)
	assert.Equal(t, uint64(160), req.Series, "80 attribute sets × 2 hosts")
	assert.True(t, req.SeriesExact)
	assert.Equal(t, int64(240), req.Datapoints)
	route, ok := req.label("http.route")
	require.True(t, ok)
	assert.Equal(t, uint64(40), route.Distinct)
	assert.True(t, route.Exact)
	assert.Len(t, route.Examples, 5)
	for _, ex := range route.Examples {
		assert.Regexp(t, `^/api/v1/items/\d\d$`, ex)
	}
	method, _ := req.label("http.method")
	assert.Equal(t, uint64(2), method.Distinct)
	assert.Equal(t, []string{"GET", "POST"}, method.Examples)
	require.Len(t, req.ResourceLabels, 2)
	assert.Equal(t, decodedLabel{Name: "host.name", Distinct: 2, Exact: true, Examples: []string{"host-1", "host-2"}}, req.ResourceLabels[0])
	assert.Equal(t, decodedLabel{Name: "service.name", Distinct: 1, Exact: true, Examples: []string{"checkout"}}, req.ResourceLabels[1])

	depth := metricByName(t, s, "queue.depth")
	assert.Equal(t, "gauge", depth.Type)
	assert.Nil(t, depth.Monotonic)
	assert.Empty(t, depth.Temporality)
	assert.Equal(t, uint64(6), depth.Series)
	assert.Equal(t, int64(9), depth.Datapoints)

	latency := metricByName(t, s, "request.latency")
	assert.Equal(t, "histogram", latency.Type)
	assert.Equal(t, "delta", latency.Temporality)
	assert.Equal(t, "ms", latency.Unit)
	assert.Equal(t, uint64(4), latency.Series)

	// Metric bytes follow the metric's own protobuf size: the big sum dwarfs the gauge.
	assert.Greater(t, req.Bytes, 10*depth.Bytes)
	assert.Equal(t, "http.server.requests", p.Metrics[0].Name, "largest first")
}

// The bytes of one metric are its own Metric message plus a share of its resource and scope.
func TestMetricBytesAreItsProtobufShare(t *testing.T) {
	run := startMetrics(t, testConfig("metrics", "in"))
	md := requestsBatch("host-1")
	run.consume(t, md)
	s := run.stop(t)
	ms := md.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics()
	for i := 0; i < ms.Len(); i++ {
		own := int64(framed((&pmetric.ProtoMarshaler{}).MetricSize(ms.At(i))))
		got := metricByName(t, s, ms.At(i).Name()).Bytes
		assert.GreaterOrEqual(t, got, own, ms.At(i).Name())
		assert.Less(t, float64(got), float64(own)*1.2+100, ms.At(i).Name())
	}
}

func TestDistinctValuesPastTheExactLimit(t *testing.T) {
	cfg := testConfig("metrics", "in")
	cfg.Limits.MaxExactValues = 1000
	cfg.Limits.MaxExactSeries = 10_000
	run := startMetrics(t, cfg)
	const users = 25_000
	for b := 0; b < users/1000; b++ {
		md := pmetric.NewMetrics()
		g := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty()
		g.SetName("sessions")
		dps := g.SetEmptyGauge().DataPoints()
		for i := 0; i < 1000; i++ {
			dp := dps.AppendEmpty()
			dp.SetIntValue(1)
			dp.Attributes().PutStr("user.id", fmt.Sprintf("user-%06d", b*1000+i))
			dp.Attributes().PutStr("region", fmt.Sprintf("r%d", i%7))
		}
		run.consume(t, md)
	}
	s := run.stop(t)
	m := metricByName(t, s, "sessions")
	user, _ := m.label("user.id")
	assert.False(t, user.Exact)
	assert.InDelta(t, users, float64(user.Distinct), users*0.05, "HyperLogLog within 5 %% (3σ at p=12)")
	assert.Len(t, user.Examples, 5)
	region, _ := m.label("region")
	assert.True(t, region.Exact)
	assert.Equal(t, uint64(7), region.Distinct)
	assert.False(t, m.SeriesExact)
	assert.InDelta(t, users, float64(m.Series), users*0.05)
	assert.Equal(t, int64(users), m.Datapoints)
}

func TestMaxMetricsKeepsTotals(t *testing.T) {
	cfg := testConfig("metrics", "in")
	cfg.Limits.MaxMetrics = 10
	run := startMetrics(t, cfg)
	md := pmetric.NewMetrics()
	ms := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics()
	for i := 0; i < 25; i++ {
		g := ms.AppendEmpty()
		g.SetName(fmt.Sprintf("metric.%02d", i))
		g.SetEmptyGauge().DataPoints().AppendEmpty().SetIntValue(int64(i))
	}
	run.consume(t, md)
	run.consume(t, md)
	s := run.stop(t)
	p := s.Points[0]
	assert.Len(t, p.Metrics, 10)
	require.NotNil(t, p.MetricsDropped)
	assert.Equal(t, int64(15), *p.MetricsDropped, "distinct names left out, not occurrences")
	assert.Equal(t, int64(50), p.Items)
	assert.Equal(t, int64(2*(&pmetric.ProtoMarshaler{}).MetricsSize(md)), p.Bytes)
}

func TestMemoryBudgetStopsDetailNotTotals(t *testing.T) {
	cfg := testConfig("metrics", "in")
	cfg.Limits.MaxMemoryMiB = 1
	run := startMetrics(t, cfg)
	var items int64
	for b := 0; b < 40; b++ {
		md := pmetric.NewMetrics()
		ms := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics()
		for k := 0; k < 20; k++ {
			g := ms.AppendEmpty()
			g.SetName(fmt.Sprintf("m%d.%d", b, k))
			dps := g.SetEmptyGauge().DataPoints()
			for i := 0; i < 200; i++ {
				dp := dps.AppendEmpty()
				dp.Attributes().PutStr("id", fmt.Sprintf("%d-%d-%d", b, k, i))
				dp.Attributes().PutStr(fmt.Sprintf("key%d", i%50), "v")
			}
		}
		items += int64(md.DataPointCount())
		run.consume(t, md)
	}
	w := run.proc.current.Load()
	used := w.mem.used.Load()
	assert.Less(t, used, int64(2<<20), "accounted memory stays near the 1 MiB budget")
	s := run.stop(t)
	p := s.Points[0]
	assert.Equal(t, items, p.Items)
	require.NotNil(t, p.MetricsDropped)
	assert.Positive(t, *p.MetricsDropped, "past the budget new metrics are left out")
}

func TestConcurrentBatchesCountExactly(t *testing.T) {
	run := startMetrics(t, testConfig("metrics", "in"))
	const workers, perWorker = 8, 25
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				assert.NoError(t, run.proc.ConsumeMetrics(context.Background(), requestsBatch(fmt.Sprintf("host-%d", w))))
			}
		}()
	}
	wg.Wait()
	s := run.stop(t)
	one := requestsBatch("host-0")
	p := s.Points[0]
	assert.Equal(t, int64(workers*perWorker*one.DataPointCount()), p.Items)
	req := metricByName(t, s, "http.server.requests")
	assert.Equal(t, uint64(80*workers), req.Series)
	assert.Equal(t, int64(80*workers*perWorker), req.Datapoints)
	host := req.ResourceLabels[0]
	assert.Equal(t, uint64(workers), host.Distinct)
	assert.Len(t, run.sink.AllMetrics(), workers*perWorker)
}

func TestSeriesIgnoreAttributeOrder(t *testing.T) {
	run := startMetrics(t, testConfig("metrics", "in"))
	md := pmetric.NewMetrics()
	dps := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics().AppendEmpty().SetEmptyGauge().DataPoints()
	a := dps.AppendEmpty().Attributes()
	a.PutStr("x", "1")
	a.PutStr("y", "2")
	b := dps.AppendEmpty().Attributes()
	b.PutStr("y", "2")
	b.PutStr("x", "1")
	c := dps.AppendEmpty().Attributes()
	c.PutInt("x", 1) // an int is not the string "1"
	c.PutStr("y", "2")
	md.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0).SetName("g")
	run.consume(t, md)
	s := run.stop(t)
	g := metricByName(t, s, "g")
	assert.Equal(t, uint64(2), g.Series)
	x, _ := g.label("x")
	assert.Equal(t, uint64(2), x.Distinct)
}

func TestHyperLogLogAccuracy(t *testing.T) {
	for _, n := range []int{10, 1000, 5000, 100_000, 1_000_000} {
		h := &hyperLogLog{}
		for i := 0; i < n; i++ {
			h.add(hashString(fmt.Sprintf("value-%d", i)))
		}
		// Adding the same values again changes nothing.
		for i := 0; i < n/10; i++ {
			h.add(hashString(fmt.Sprintf("value-%d", i)))
		}
		got := float64(h.estimate())
		assert.InDelta(t, n, got, math.Max(1, float64(n)*0.05), "n=%d", n)
	}
}

package flowgatemeasureprocessor

import (
	"context"
	"fmt"
	"testing"

	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// benchBatch is the benchmark's realistic batch: 1,000 data points in 20 metrics, each point with
// four attributes, one resource with three.
func benchBatch() pmetric.Metrics {
	md := pmetric.NewMetrics()
	rm := md.ResourceMetrics().AppendEmpty()
	rm.Resource().Attributes().PutStr("service.name", "checkout")
	rm.Resource().Attributes().PutStr("service.instance.id", "7f6c1a8e-1d55-4b7e-9f3a-0c1d2e3f4a5b")
	rm.Resource().Attributes().PutStr("host.name", "node-17")
	ms := rm.ScopeMetrics().AppendEmpty().Metrics()
	for m := 0; m < 20; m++ {
		metric := ms.AppendEmpty()
		metric.SetName(fmt.Sprintf("app.metric.%02d", m))
		metric.SetUnit("1")
		sum := metric.SetEmptySum()
		sum.SetIsMonotonic(true)
		sum.SetAggregationTemporality(pmetric.AggregationTemporalityCumulative)
		for i := 0; i < 50; i++ {
			dp := sum.DataPoints().AppendEmpty()
			dp.SetIntValue(int64(i))
			dp.SetTimestamp(1_700_000_000_000_000_000)
			dp.Attributes().PutStr("http.method", []string{"GET", "POST", "PUT"}[i%3])
			dp.Attributes().PutStr("http.route", fmt.Sprintf("/api/v1/resource/%d", i%25))
			dp.Attributes().PutInt("http.status_code", int64(200+i%5))
			dp.Attributes().PutStr("pod", fmt.Sprintf("checkout-%d", i/25))
		}
	}
	return md
}

// BenchmarkUnmarshal is the reference: decoding the batch, which a receiver does for every request.
func BenchmarkUnmarshal(b *testing.B) {
	raw, _ := (&pmetric.ProtoMarshaler{}).MarshalMetrics(benchBatch())
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := (&pmetric.ProtoUnmarshaler{}).UnmarshalMetrics(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func benchMeasure(b *testing.B, parallel bool) {
	reg := newFakeRegistry()
	p, err := NewFactory().CreateMetrics(context.Background(), settings("in.0"), testConfig("metrics", "in"), consumertest.NewNop())
	if err != nil {
		b.Fatal(err)
	}
	if err = p.Start(context.Background(), hostWith(reg)); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = p.Shutdown(context.Background()) }()
	md := benchBatch()
	b.ReportAllocs()
	if parallel {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				_ = p.ConsumeMetrics(context.Background(), md)
			}
		})
		return
	}
	for b.Loop() {
		_ = p.ConsumeMetrics(context.Background(), md)
	}
}

// BenchmarkMeasure: one flowgate_measure instance on the same batch.
func BenchmarkMeasure(b *testing.B)         { benchMeasure(b, false) }
func BenchmarkMeasureParallel(b *testing.B) { benchMeasure(b, true) }

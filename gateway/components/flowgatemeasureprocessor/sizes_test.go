package flowgatemeasureprocessor

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// everyShape covers what the sizer computes itself and what it leaves to pdata: all attribute
// value types (incl. negative ints, empty values, maps, slices, bytes), timestamps, flags,
// exemplars, metadata, descriptions, several scopes and resources with schema URLs, and every
// metric type.
func everyShape() pmetric.Metrics {
	md := pmetric.NewMetrics()
	for r := 0; r < 3; r++ {
		rm := md.ResourceMetrics().AppendEmpty()
		if r > 0 {
			rm.SetSchemaUrl("https://opentelemetry.io/schemas/1.26.0")
			rm.Resource().Attributes().PutStr("service.name", fmt.Sprintf("svc-%d", r))
			rm.Resource().Attributes().PutInt("pid", int64(-r))
		}
		for s := 0; s < 2; s++ {
			sm := rm.ScopeMetrics().AppendEmpty()
			sm.Scope().SetName(fmt.Sprintf("scope-%d", s))
			sm.Scope().SetVersion("1.2.3")
			sm.Scope().Attributes().PutBool("enabled", s == 1)
			if s == 1 {
				sm.SetSchemaUrl("https://example.com/schema")
			}
			addShapes(sm.Metrics(), r*10+s)
		}
	}
	return md
}

func putAll(attrs pcommon.Map, i int) {
	attrs.PutStr("str", fmt.Sprintf("v%d", i%4))
	attrs.PutStr("", "empty key")
	attrs.PutStr("empty.str", "")
	attrs.PutInt("int", int64(i))
	attrs.PutInt("neg", int64(-i-1))
	attrs.PutInt("big", math.MaxInt64-int64(i))
	attrs.PutDouble("dbl", float64(i)/3)
	attrs.PutBool("bool", i%2 == 0)
	attrs.PutEmptyBytes("bytes").FromRaw([]byte{1, 2, byte(i)})
	attrs.PutEmpty("nothing")
}

func addShapes(ms pmetric.MetricSlice, seed int) {
	g := ms.AppendEmpty()
	g.SetName("gauge.plain")
	for i := 0; i < 4; i++ {
		dp := g.SetEmptyGauge().DataPoints().AppendEmpty()
		dp.SetIntValue(int64(i - 2))
		putAll(dp.Attributes(), i+seed)
	}
	g2 := ms.AppendEmpty()
	g2.SetName("gauge.rich")
	g2.SetDescription("with everything a point can carry")
	g2.SetUnit("By")
	g2.Metadata().PutStr("meta", "data")
	dps := g2.SetEmptyGauge().DataPoints()
	for i := 0; i < 3; i++ {
		dp := dps.AppendEmpty()
		dp.SetDoubleValue(1.5)
		dp.SetTimestamp(pcommon.Timestamp(1_700_000_000_000_000_000 + i))
		dp.SetStartTimestamp(1_600_000_000_000_000_000)
		dp.SetFlags(pmetric.DefaultDataPointFlags.WithNoRecordedValue(i == 1))
		dp.Attributes().PutEmptyMap("map").PutStr("inner", "x")
		if i == 2 {
			ex := dp.Exemplars().AppendEmpty()
			ex.SetDoubleValue(2)
			ex.FilteredAttributes().PutStr("trace", "t")
		}
	}
	empty := ms.AppendEmpty()
	empty.SetName("gauge.empty.point")
	empty.SetEmptyGauge().DataPoints().AppendEmpty()
	for _, mono := range []bool{true, false} {
		s := ms.AppendEmpty()
		s.SetName(fmt.Sprintf("sum.%v", mono))
		sum := s.SetEmptySum()
		sum.SetIsMonotonic(mono)
		if mono {
			sum.SetAggregationTemporality(pmetric.AggregationTemporalityDelta)
		}
		for i := 0; i < 5; i++ {
			dp := sum.DataPoints().AppendEmpty()
			dp.SetIntValue(int64(1 << (i * 12)))
			dp.SetTimestamp(pcommon.Timestamp(i))
			dp.Attributes().PutEmptySlice("list").AppendEmpty().SetInt(int64(i))
			dp.Attributes().PutStr("k", fmt.Sprintf("%d", i))
		}
	}
	h := ms.AppendEmpty()
	h.SetName("histogram")
	hdp := h.SetEmptyHistogram().DataPoints().AppendEmpty()
	hdp.SetCount(4)
	hdp.BucketCounts().FromRaw([]uint64{1, 3})
	hdp.ExplicitBounds().FromRaw([]float64{10})
	putAll(hdp.Attributes(), seed)
	e := ms.AppendEmpty()
	e.SetName("exp.histogram")
	edp := e.SetEmptyExponentialHistogram().DataPoints().AppendEmpty()
	edp.SetScale(3)
	edp.Positive().BucketCounts().FromRaw([]uint64{1, 2, 3})
	sm := ms.AppendEmpty()
	sm.SetName("summary")
	sdp := sm.SetEmptySummary().DataPoints().AppendEmpty()
	sdp.SetCount(2)
	sdp.QuantileValues().AppendEmpty().SetQuantile(0.5)
	none := ms.AppendEmpty()
	none.SetName("no.data")
}

func TestBytesMatchProtobufForEveryShape(t *testing.T) {
	run := startMetrics(t, testConfig("metrics", "in"))
	md := everyShape()
	run.consume(t, md)
	s := run.stop(t)
	p := s.Points[0]
	assert.Equal(t, int64((&pmetric.ProtoMarshaler{}).MetricsSize(md)), p.Bytes)
	assert.Equal(t, int64(md.DataPointCount()), p.Items)
	var sum int64
	for _, m := range p.Metrics {
		sum += m.Bytes
	}
	assert.Equal(t, p.Bytes, sum)
}

func TestOwnPointSizerMatchesPdata(t *testing.T) {
	md := everyShape()
	m := &measurer{cfg: testConfig("metrics", "in")}
	w := newWindow(time.Now(), m.cfg.Limits)
	ms := &metricStats{}
	rms := md.ResourceMetrics()
	checked := 0
	for i := 0; i < rms.Len(); i++ {
		sms := rms.At(i).ScopeMetrics()
		for j := 0; j < sms.Len(); j++ {
			metrics := sms.At(j).Metrics()
			for k := 0; k < metrics.Len(); k++ {
				metric := metrics.At(k)
				var dps pmetric.NumberDataPointSlice
				switch metric.Type() {
				case pmetric.MetricTypeGauge:
					dps = metric.Gauge().DataPoints()
				case pmetric.MetricTypeSum:
					dps = metric.Sum().DataPoints()
				default:
					continue
				}
				for p := 0; p < dps.Len(); p++ {
					assert.Equal(t, (&pmetric.ProtoMarshaler{}).NumberDataPointSize(dps.At(p)), m.measureNumberPoint(w, ms, dps.At(p), 0), metric.Name())
					checked++
				}
			}
		}
	}
	assert.Greater(t, checked, 50)
}

package flowgatemeasureprocessor

import (
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// capture collects copies of the records that pass one instance, up to a request's bounds.
// Items are log records, data points or spans; bytes are counted in protobuf while capturing
// (cheap) and enforced on the OTLP/JSON when answering.
type capture struct {
	req      snapshotRequest
	signal   signal
	deadline time.Time
	wake     func()
	full     atomic.Bool

	mu        sync.Mutex
	closed    bool
	items     int
	bytes     int
	truncated bool
	metrics   pmetric.Metrics
	logs      plog.Logs
	traces    ptrace.Traces
}

func newCapture(req snapshotRequest, sig signal, deadline time.Time, wake func()) *capture {
	return &capture{
		req: req, signal: sig, deadline: deadline, wake: wake,
		metrics: pmetric.NewMetrics(), logs: plog.NewLogs(), traces: ptrace.NewTraces(),
	}
}

func (c *capture) due(now time.Time) bool { return c.full.Load() || !now.Before(c.deadline) }

// take reports whether one more item of the given protobuf size fits; when it does not the
// capture is full, and the reporter is woken to answer.
func (c *capture) take(size int) bool {
	if c.items >= c.req.MaxItems || c.bytes+size > c.req.MaxBytes {
		c.truncated = true
		c.markFull()
		return false
	}
	c.items++
	c.bytes += size
	if c.items >= c.req.MaxItems {
		c.markFull()
	}
	return true
}

func (c *capture) markFull() {
	if !c.full.Swap(true) {
		c.wake()
	}
}

func (c *capture) offerLogs(ld plog.Logs) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || c.full.Load() {
		return
	}
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		var destRL plog.ResourceLogs
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			sl := sls.At(j)
			var destSL plog.ScopeLogs
			lrs := sl.LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				lr := lrs.At(k)
				if !c.take(logsSizer.LogRecordSize(lr)) {
					return
				}
				if destSL == (plog.ScopeLogs{}) {
					if destRL == (plog.ResourceLogs{}) {
						destRL = c.logs.ResourceLogs().AppendEmpty()
						rl.Resource().CopyTo(destRL.Resource())
						destRL.SetSchemaUrl(rl.SchemaUrl())
					}
					destSL = destRL.ScopeLogs().AppendEmpty()
					sl.Scope().CopyTo(destSL.Scope())
					destSL.SetSchemaUrl(sl.SchemaUrl())
				}
				lr.CopyTo(destSL.LogRecords().AppendEmpty())
			}
		}
	}
}

func (c *capture) offerTraces(td ptrace.Traces) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || c.full.Load() {
		return
	}
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		var destRS ptrace.ResourceSpans
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			ss := sss.At(j)
			var destSS ptrace.ScopeSpans
			spans := ss.Spans()
			for k := 0; k < spans.Len(); k++ {
				span := spans.At(k)
				if !c.take(tracesSizer.SpanSize(span)) {
					return
				}
				if destSS == (ptrace.ScopeSpans{}) {
					if destRS == (ptrace.ResourceSpans{}) {
						destRS = c.traces.ResourceSpans().AppendEmpty()
						rs.Resource().CopyTo(destRS.Resource())
						destRS.SetSchemaUrl(rs.SchemaUrl())
					}
					destSS = destRS.ScopeSpans().AppendEmpty()
					ss.Scope().CopyTo(destSS.Scope())
					destSS.SetSchemaUrl(ss.SchemaUrl())
				}
				span.CopyTo(destSS.Spans().AppendEmpty())
			}
		}
	}
}

func (c *capture) offerMetrics(md pmetric.Metrics) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || c.full.Load() {
		return
	}
	rms := md.ResourceMetrics()
	for i := 0; i < rms.Len(); i++ {
		rm := rms.At(i)
		var destRM pmetric.ResourceMetrics
		sms := rm.ScopeMetrics()
		for j := 0; j < sms.Len(); j++ {
			sm := sms.At(j)
			var destSM pmetric.ScopeMetrics
			ms := sm.Metrics()
			for k := 0; k < ms.Len(); k++ {
				metric := ms.At(k)
				var dest pmetric.Metric
				n := dataPointCount(metric)
				for p := 0; p < n; p++ {
					if !c.take(pointSize(metric, p)) {
						return
					}
					if dest == (pmetric.Metric{}) {
						if destSM == (pmetric.ScopeMetrics{}) {
							if destRM == (pmetric.ResourceMetrics{}) {
								destRM = c.metrics.ResourceMetrics().AppendEmpty()
								rm.Resource().CopyTo(destRM.Resource())
								destRM.SetSchemaUrl(rm.SchemaUrl())
							}
							destSM = destRM.ScopeMetrics().AppendEmpty()
							sm.Scope().CopyTo(destSM.Scope())
							destSM.SetSchemaUrl(sm.SchemaUrl())
						}
						dest = destSM.Metrics().AppendEmpty()
						copyMetricShell(metric, dest)
					}
					copyPoint(metric, p, dest)
				}
			}
		}
	}
}

func pointSize(metric pmetric.Metric, p int) int {
	switch metric.Type() {
	case pmetric.MetricTypeGauge:
		return metricsSizer.NumberDataPointSize(metric.Gauge().DataPoints().At(p))
	case pmetric.MetricTypeSum:
		return metricsSizer.NumberDataPointSize(metric.Sum().DataPoints().At(p))
	case pmetric.MetricTypeHistogram:
		return metricsSizer.HistogramDataPointSize(metric.Histogram().DataPoints().At(p))
	case pmetric.MetricTypeExponentialHistogram:
		return metricsSizer.ExponentialHistogramDataPointSize(metric.ExponentialHistogram().DataPoints().At(p))
	case pmetric.MetricTypeSummary:
		return metricsSizer.SummaryDataPointSize(metric.Summary().DataPoints().At(p))
	}
	return 0
}

// copyMetricShell copies a metric without its data points.
func copyMetricShell(src, dest pmetric.Metric) {
	dest.SetName(src.Name())
	dest.SetDescription(src.Description())
	dest.SetUnit(src.Unit())
	src.Metadata().CopyTo(dest.Metadata())
	switch src.Type() {
	case pmetric.MetricTypeGauge:
		dest.SetEmptyGauge()
	case pmetric.MetricTypeSum:
		dest.SetEmptySum().SetIsMonotonic(src.Sum().IsMonotonic())
		dest.Sum().SetAggregationTemporality(src.Sum().AggregationTemporality())
	case pmetric.MetricTypeHistogram:
		dest.SetEmptyHistogram().SetAggregationTemporality(src.Histogram().AggregationTemporality())
	case pmetric.MetricTypeExponentialHistogram:
		dest.SetEmptyExponentialHistogram().SetAggregationTemporality(src.ExponentialHistogram().AggregationTemporality())
	case pmetric.MetricTypeSummary:
		dest.SetEmptySummary()
	}
}

func copyPoint(src pmetric.Metric, p int, dest pmetric.Metric) {
	switch src.Type() {
	case pmetric.MetricTypeGauge:
		src.Gauge().DataPoints().At(p).CopyTo(dest.Gauge().DataPoints().AppendEmpty())
	case pmetric.MetricTypeSum:
		src.Sum().DataPoints().At(p).CopyTo(dest.Sum().DataPoints().AppendEmpty())
	case pmetric.MetricTypeHistogram:
		src.Histogram().DataPoints().At(p).CopyTo(dest.Histogram().DataPoints().AppendEmpty())
	case pmetric.MetricTypeExponentialHistogram:
		src.ExponentialHistogram().DataPoints().At(p).CopyTo(dest.ExponentialHistogram().DataPoints().AppendEmpty())
	case pmetric.MetricTypeSummary:
		src.Summary().DataPoints().At(p).CopyTo(dest.Summary().DataPoints().AppendEmpty())
	}
}

// response closes the capture and encodes its answer; the OTLP/JSON is cut to max_bytes by
// keeping fewer items.
func (c *capture) response(m *measurer) outgoing {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()

	reply := snapshotResponse{
		ID: c.req.ID, Pipeline: m.cfg.Pipeline, Position: m.cfg.Position, Signal: string(m.signal),
		Truncated: c.truncated,
	}
	keep := c.items
	otlp, err := c.marshal()
	for err == nil && len(otlp) > c.req.MaxBytes && keep > 0 {
		keep = min(keep-1, int(float64(keep)*0.9*float64(c.req.MaxBytes)/float64(len(otlp))))
		c.keepFirst(keep)
		reply.Truncated = true
		otlp, err = c.marshal()
	}
	if err != nil {
		reply.Error = "cannot encode the captured records: " + err.Error()
		return encodeReply(reply, m.logger)
	}
	reply.Items = max(keep, 0)
	reply.OTLP = json.RawMessage(otlp)
	return encodeReply(reply, m.logger)
}

func (c *capture) marshal() ([]byte, error) {
	switch c.signal {
	case signalMetrics:
		return (&pmetric.JSONMarshaler{}).MarshalMetrics(c.metrics)
	case signalLogs:
		return (&plog.JSONMarshaler{}).MarshalLogs(c.logs)
	default:
		return (&ptrace.JSONMarshaler{}).MarshalTraces(c.traces)
	}
}

// keepFirst drops every captured item after the first n, and what becomes empty.
func (c *capture) keepFirst(n int) {
	seen := 0
	keepItem := func() bool { seen++; return seen <= n }
	switch c.signal {
	case signalLogs:
		c.logs.ResourceLogs().RemoveIf(func(rl plog.ResourceLogs) bool {
			rl.ScopeLogs().RemoveIf(func(sl plog.ScopeLogs) bool {
				sl.LogRecords().RemoveIf(func(plog.LogRecord) bool { return !keepItem() })
				return sl.LogRecords().Len() == 0
			})
			return rl.ScopeLogs().Len() == 0
		})
	case signalTraces:
		c.traces.ResourceSpans().RemoveIf(func(rs ptrace.ResourceSpans) bool {
			rs.ScopeSpans().RemoveIf(func(ss ptrace.ScopeSpans) bool {
				ss.Spans().RemoveIf(func(ptrace.Span) bool { return !keepItem() })
				return ss.Spans().Len() == 0
			})
			return rs.ScopeSpans().Len() == 0
		})
	case signalMetrics:
		c.metrics.ResourceMetrics().RemoveIf(func(rm pmetric.ResourceMetrics) bool {
			rm.ScopeMetrics().RemoveIf(func(sm pmetric.ScopeMetrics) bool {
				sm.Metrics().RemoveIf(func(metric pmetric.Metric) bool {
					removePoints(metric, keepItem)
					return dataPointCount(metric) == 0
				})
				return sm.Metrics().Len() == 0
			})
			return rm.ScopeMetrics().Len() == 0
		})
	}
}

func removePoints(metric pmetric.Metric, keepItem func() bool) {
	switch metric.Type() {
	case pmetric.MetricTypeGauge:
		metric.Gauge().DataPoints().RemoveIf(func(pmetric.NumberDataPoint) bool { return !keepItem() })
	case pmetric.MetricTypeSum:
		metric.Sum().DataPoints().RemoveIf(func(pmetric.NumberDataPoint) bool { return !keepItem() })
	case pmetric.MetricTypeHistogram:
		metric.Histogram().DataPoints().RemoveIf(func(pmetric.HistogramDataPoint) bool { return !keepItem() })
	case pmetric.MetricTypeExponentialHistogram:
		metric.ExponentialHistogram().DataPoints().RemoveIf(func(pmetric.ExponentialHistogramDataPoint) bool { return !keepItem() })
	case pmetric.MetricTypeSummary:
		metric.Summary().DataPoints().RemoveIf(func(pmetric.SummaryDataPoint) bool { return !keepItem() })
	}
}

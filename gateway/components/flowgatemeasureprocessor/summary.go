package flowgatemeasureprocessor

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"go.opentelemetry.io/collector/pdata/pmetric"
)

// The "summary" custom message (docs/measurement.md): gzip-compressed JSON.

const summaryVersion = 1

// maxSummaryBytes bounds one compressed summary; a variable so that tests can lower it.
var maxSummaryBytes = 2 << 20

type summaryMessage struct {
	V      int            `json:"v"`
	Points []summaryPoint `json:"points"`
}

type summaryPoint struct {
	Pipeline string       `json:"pipeline"`
	Position string       `json:"position"`
	Signal   string       `json:"signal"`
	Window   windowBounds `json:"window"`
	Items    int64        `json:"items"`
	Bytes    int64        `json:"bytes"`
	// Pointers: present (possibly empty) for their signal only.
	Metrics        *[]metricSummary `json:"metrics,omitempty"`
	MetricsDropped *int64           `json:"metrics_dropped,omitempty"`
	Logs           *[]logSummary    `json:"logs,omitempty"`
	LogsDropped    *int64           `json:"logs_dropped,omitempty"`
}

type windowBounds struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

type metricSummary struct {
	Name            string         `json:"name"`
	Type            string         `json:"type"`
	Unit            string         `json:"unit"`
	Monotonic       *bool          `json:"monotonic,omitempty"`
	Temporality     string         `json:"temporality,omitempty"`
	Series          uint64         `json:"series"`
	SeriesExact     bool           `json:"series_exact"`
	Datapoints      int64          `json:"datapoints"`
	Bytes           int64          `json:"bytes"`
	Labels          []labelSummary `json:"labels"`
	ResourceLabels  []labelSummary `json:"resource_labels"`
	LabelsTruncated bool           `json:"labels_truncated,omitempty"`
}

type labelSummary struct {
	Name     string   `json:"name"`
	Distinct uint64   `json:"distinct"`
	Exact    bool     `json:"exact"`
	Examples []string `json:"examples"`
}

type logSummary struct {
	Service  string `json:"service"`
	Severity string `json:"severity"`
	Records  int64  `json:"records"`
	Bytes    int64  `json:"bytes"`
}

// point turns a closed window into the summary point of its instance.
func (m *measurer) point(w *window, end time.Time) summaryPoint {
	start, stop := w.start.UTC().Truncate(time.Millisecond), end.UTC().Truncate(time.Millisecond)
	if !stop.After(start) { // a window cut right after it opened: still a time range
		stop = start.Add(time.Millisecond)
	}
	p := summaryPoint{
		Pipeline: m.cfg.Pipeline,
		Position: m.cfg.Position,
		Signal:   string(m.signal),
		Window:   windowBounds{Start: start, End: stop},
		Items:    w.items.Load(),
		Bytes:    w.bytes.Load(),
	}
	switch m.signal {
	case signalMetrics:
		metrics := []metricSummary{}
		var dropped int64
		for i := range w.shards {
			shard := &w.shards[i]
			for _, ms := range shard.metrics {
				if ms.name == "" { // the control plane needs a name to file the detail under
					dropped++
					continue
				}
				metrics = append(metrics, ms.summary())
			}
			n, _ := shard.dropped.count()
			dropped += int64(n)
		}
		// Largest first: what a user looks at, and what a size cut keeps.
		slices.SortFunc(metrics, func(a, b metricSummary) int {
			if a.Bytes != b.Bytes {
				return cmp.Compare(b.Bytes, a.Bytes)
			}
			return strings.Compare(a.Name, b.Name)
		})
		p.Metrics, p.MetricsDropped = &metrics, &dropped
	case signalLogs:
		logs := []logSummary{}
		for k, g := range w.logs.groups {
			logs = append(logs, logSummary{
				Service: truncateUTF8(k.service, maxNameLen), Severity: truncateUTF8(k.severity, maxSevLen),
				Records: g.records, Bytes: g.bytes,
			})
		}
		slices.SortFunc(logs, func(a, b logSummary) int {
			if a.Bytes != b.Bytes {
				return cmp.Compare(b.Bytes, a.Bytes)
			}
			return strings.Compare(a.Service+"\x00"+a.Severity, b.Service+"\x00"+b.Severity)
		})
		dropped := w.logs.dropped
		p.Logs, p.LogsDropped = &logs, &dropped
	}
	return p
}

func (ms *metricStats) summary() metricSummary {
	series, exact := ms.series.count()
	s := metricSummary{
		Name:            truncateUTF8(ms.name, maxNameLen),
		Type:            metricTypeName(ms.typ),
		Unit:            truncateUTF8(ms.unit, maxUnitLen),
		Series:          series,
		SeriesExact:     exact,
		Datapoints:      ms.datapoints,
		Bytes:           ms.bytes.Load(),
		Labels:          labelSummaries(ms.labelIndex),
		ResourceLabels:  labelSummaries(ms.resourceIndex),
		LabelsTruncated: ms.labelsTruncated,
	}
	switch ms.typ {
	case pmetric.MetricTypeSum:
		monotonic := ms.monotonic
		s.Monotonic = &monotonic
		s.Temporality = temporalityName(ms.temporality)
	case pmetric.MetricTypeHistogram, pmetric.MetricTypeExponentialHistogram:
		s.Temporality = temporalityName(ms.temporality)
	}
	return s
}

func labelSummaries(index map[string]*labelStats) []labelSummary {
	out := make([]labelSummary, 0, len(index))
	for _, ls := range index {
		n, exact := ls.values.count()
		examples := slices.Clone(ls.examples)
		slices.Sort(examples)
		if examples == nil {
			examples = []string{}
		}
		out = append(out, labelSummary{Name: ls.key, Distinct: n, Exact: exact, Examples: examples})
	}
	slices.SortFunc(out, func(a, b labelSummary) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func metricTypeName(t pmetric.MetricType) string {
	switch t {
	case pmetric.MetricTypeGauge:
		return "gauge"
	case pmetric.MetricTypeSum:
		return "sum"
	case pmetric.MetricTypeHistogram:
		return "histogram"
	case pmetric.MetricTypeExponentialHistogram:
		return "exponential_histogram"
	case pmetric.MetricTypeSummary:
		return "summary"
	}
	return "empty"
}

func temporalityName(t pmetric.AggregationTemporality) string {
	switch t {
	case pmetric.AggregationTemporalityCumulative:
		return "cumulative"
	case pmetric.AggregationTemporalityDelta:
		return "delta"
	}
	return "unspecified"
}

// encodeSummary returns the gzip-compressed JSON of the points, at most maxSummaryBytes: when the
// whole is larger it drops the smallest metrics (and log groups) of every point — detail, never the
// totals — and counts them in metrics_dropped / logs_dropped.
func encodeSummary(points []summaryPoint) ([]byte, error) {
	data, err := gzipJSON(summaryMessage{V: summaryVersion, Points: points})
	if err != nil || len(data) <= maxSummaryBytes {
		return data, err
	}
	keep := 1.0
	for attempt := 0; attempt < 12; attempt++ {
		keep *= 0.9 * float64(maxSummaryBytes) / float64(len(data))
		trimmed := make([]summaryPoint, len(points))
		for i, p := range points {
			trimmed[i] = trimPoint(p, keep)
		}
		data, err = gzipJSON(summaryMessage{V: summaryVersion, Points: trimmed})
		if err != nil || len(data) <= maxSummaryBytes {
			return data, err
		}
	}
	// Totals only.
	trimmed := make([]summaryPoint, len(points))
	for i, p := range points {
		trimmed[i] = trimPoint(p, 0)
	}
	return gzipJSON(summaryMessage{V: summaryVersion, Points: trimmed})
}

// trimPoint keeps the given share of a point's metrics and log groups (the largest ones).
func trimPoint(p summaryPoint, keep float64) summaryPoint {
	if p.Metrics != nil {
		all := *p.Metrics
		n := int(float64(len(all)) * keep)
		kept := all[:n:n]
		dropped := *p.MetricsDropped + int64(len(all)-n)
		p.Metrics, p.MetricsDropped = &kept, &dropped
	}
	if p.Logs != nil {
		all := *p.Logs
		n := int(float64(len(all)) * keep)
		kept := all[:n:n]
		dropped := *p.LogsDropped
		for _, g := range all[n:] {
			dropped += g.Records
		}
		p.Logs, p.LogsDropped = &kept, &dropped
	}
	return p
}

func gzipJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(v); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// truncateUTF8 cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xc0 == 0x80 {
		n--
	}
	return s[:n]
}

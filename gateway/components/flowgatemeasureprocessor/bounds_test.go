package flowgatemeasureprocessor

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pmetric"
)

// What the control plane refuses whole (docs/measurement.md) never leaves the processor: label
// keys per metric are capped, names are cut, a metric without a name only counts as dropped.
func TestSummaryStaysWithinControlPlaneBounds(t *testing.T) {
	run := startMetrics(t, testConfig("metrics", "in"))
	md := pmetric.NewMetrics()
	ms := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics()
	wide := ms.AppendEmpty()
	wide.SetName("wide")
	dp := wide.SetEmptyGauge().DataPoints().AppendEmpty()
	for i := 0; i < 200; i++ {
		dp.Attributes().PutStr(fmt.Sprintf("key.%03d", i), "v")
	}
	dp.Attributes().PutStr("", "empty key")
	ms.AppendEmpty().SetEmptyGauge().DataPoints().AppendEmpty() // no name
	long := ms.AppendEmpty()
	long.SetName(strings.Repeat("é", 1000)) // 2,000 bytes
	long.SetEmptyGauge().DataPoints().AppendEmpty()
	run.consume(t, md)
	s := run.stop(t)
	p := s.Points[0]
	require.NotNil(t, p.MetricsDropped)
	assert.Equal(t, int64(1), *p.MetricsDropped, "the nameless metric")
	assert.Equal(t, int64(3), p.Items, "data points")
	w := metricByName(t, s, "wide")
	assert.Len(t, w.Labels, maxLabelKeys)
	_, hasEmpty := w.label("")
	assert.False(t, hasEmpty)
	for _, m := range p.Metrics {
		if strings.HasPrefix(m.Name, "é") {
			assert.Len(t, m.Name, 1024)
			assert.True(t, utf8.ValidString(m.Name))
		}
	}
}

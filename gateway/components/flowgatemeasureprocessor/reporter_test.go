package flowgatemeasureprocessor

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/processor"
)

func startPair(t *testing.T, reg *fakeRegistry, interval time.Duration) (in, out processor.Metrics) {
	t.Helper()
	f := NewFactory()
	cfgIn, cfgOut := testConfig("metrics", "in"), testConfig("metrics", "out")
	cfgIn.Interval, cfgOut.Interval = interval, interval
	out, err := f.CreateMetrics(context.Background(), settings("out.0"), cfgOut, consumertest.NewNop())
	require.NoError(t, err)
	in, err = f.CreateMetrics(context.Background(), settings("in.0"), cfgIn, out)
	require.NoError(t, err)
	require.NoError(t, out.Start(context.Background(), hostWith(reg)))
	require.NoError(t, in.Start(context.Background(), hostWith(reg)))
	return in, out
}

// Instances of one collector share one registration and report their windows in one message.
func TestInstancesShareOneReporter(t *testing.T) {
	reg := newFakeRegistry()
	in, out := startPair(t, reg, time.Second)
	require.NoError(t, in.ConsumeMetrics(context.Background(), requestsBatch("h")))

	// The window holding the batch (the instances may have started on either side of a second
	// boundary, so the very first message may carry one point only).
	var s decodedSummary
	deadline := time.Now().Add(5 * time.Second)
	for s.V == 0 && time.Now().Before(deadline) {
		for _, sum := range decodeSummaries(t, reg.messages(typeSummary)) {
			for _, p := range sum.Points {
				if p.Position == "in" && p.Items > 0 {
					s = sum
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	require.Len(t, s.Points, 2, "in and out in the same message")
	positions := map[string]int64{}
	for _, p := range s.Points {
		positions[p.Position] = p.Items
		assert.Equal(t, s.Points[0].Window.End, p.Window.End, "windows end together")
		assert.Zero(t, p.Window.End.UnixNano()%int64(time.Second), "windows end on a multiple of the interval")
	}
	assert.Equal(t, map[string]int64{"in": 85, "out": 85}, positions)

	require.NoError(t, in.Shutdown(context.Background()))
	require.NoError(t, out.Shutdown(context.Background()))
	reg.mu.Lock()
	defer reg.mu.Unlock()
	assert.Equal(t, []string{capability}, reg.capabilities, "one registration for both instances")
	assert.Equal(t, 1, reg.unregistered, "unregistered when the last instance stops")
}

// Windows keep being cut on schedule; an empty window is still reported (a silent pipeline is news).
func TestPeriodicWindows(t *testing.T) {
	reg := newFakeRegistry()
	in, out := startPair(t, reg, time.Second)
	defer func() {
		require.NoError(t, in.Shutdown(context.Background()))
		require.NoError(t, out.Shutdown(context.Background()))
	}()
	msgs := reg.waitFor(t, typeSummary, 3, 10*time.Second)
	sums := decodeSummaries(t, msgs)
	for i := 1; i < len(sums); i++ {
		assert.Equal(t, sums[i-1].Points[0].Window.End, sums[i].Points[0].Window.Start, "windows are contiguous")
		assert.Equal(t, time.Second, sums[i].Points[0].Window.End.Sub(sums[i].Points[0].Window.Start))
	}
}

// The OpAMP client holds one custom message at a time: the reporter waits for the channel it
// returns, and sends every message exactly once, in order.
func TestWaitsForPendingMessage(t *testing.T) {
	reg := newFakeRegistry()
	reg.pendingReplies = 2
	reg.hold = true
	in, out := startPair(t, reg, time.Second)
	require.NoError(t, in.ConsumeMetrics(context.Background(), requestsBatch("h")))
	first := reg.waitFor(t, typeSummary, 1, 5*time.Second)
	// While the first is pending nothing else is handed over, even though windows keep closing.
	time.Sleep(2500 * time.Millisecond)
	assert.Len(t, reg.messages(typeSummary), 1)
	reg.mu.Lock()
	reg.hold = false
	reg.mu.Unlock()
	reg.release()
	all := reg.waitFor(t, typeSummary, 3, 5*time.Second)
	assert.Equal(t, first[0].data, all[0].data)
	sums := decodeSummaries(t, all)
	assert.True(t, sums[0].Points[0].Window.End.Before(sums[1].Points[0].Window.End), "oldest first")
	assert.True(t, sums[1].Points[0].Window.End.Before(sums[2].Points[0].Window.End), "oldest first")
	require.NoError(t, in.Shutdown(context.Background()))
	require.NoError(t, out.Shutdown(context.Background()))
}

// Past the size limit the smallest metrics' detail goes; the totals stay.
func TestSummarySizeLimit(t *testing.T) {
	old := maxSummaryBytes
	maxSummaryBytes = 8 << 10
	defer func() { maxSummaryBytes = old }()

	reg := newFakeRegistry()
	p, err := NewFactory().CreateMetrics(context.Background(), settings("in.0"), testConfig("metrics", "in"), consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), hostWith(reg)))
	md := pmetric.NewMetrics()
	ms := md.ResourceMetrics().AppendEmpty().ScopeMetrics().AppendEmpty().Metrics()
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 400; i++ {
		g := ms.AppendEmpty()
		g.SetName(fmt.Sprintf("metric_%d_%016x", i, rnd.Uint64()))
		dps := g.SetEmptyGauge().DataPoints()
		for j := 0; j <= i%5; j++ {
			dp := dps.AppendEmpty()
			dp.Attributes().PutStr(fmt.Sprintf("label_%x", rnd.Uint32()), fmt.Sprintf("%016x", rnd.Uint64()))
		}
	}
	require.NoError(t, p.ConsumeMetrics(context.Background(), md))
	require.NoError(t, p.Shutdown(context.Background()))
	msgs := reg.messages(typeSummary)
	require.Len(t, msgs, 1)
	assert.LessOrEqual(t, len(msgs[0].data), 8<<10)
	pt := decodeSummaries(t, msgs)[0].Points[0]
	assert.Equal(t, int64(md.DataPointCount()), pt.Items)
	assert.Equal(t, int64((&pmetric.ProtoMarshaler{}).MetricsSize(md)), pt.Bytes)
	require.NotNil(t, pt.MetricsDropped)
	assert.Positive(t, *pt.MetricsDropped)
	assert.Equal(t, int64(400), int64(len(pt.Metrics))+*pt.MetricsDropped, "every metric is either detailed or counted")
	for i := 1; i < len(pt.Metrics); i++ {
		assert.GreaterOrEqual(t, pt.Metrics[i-1].Bytes, pt.Metrics[i].Bytes, "the largest are kept")
	}
}

// Without the OpAMP extension the processor passes data on and measures nothing.
func TestWithoutExtensionPassesThrough(t *testing.T) {
	sink := new(consumertest.MetricsSink)
	p, err := NewFactory().CreateMetrics(context.Background(), settings("in.0"), testConfig("metrics", "in"), sink)
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), componenttest.NewNopHost()))
	// An extension under the id that is not a custom-capability registry does not count either.
	other := fakeHost{extensions: map[component.ID]component.Component{component.MustNewID("opamp"): plainExtension{}}}
	p2, err := NewFactory().CreateMetrics(context.Background(), settings("out.0"), testConfig("metrics", "out"), sink)
	require.NoError(t, err)
	require.NoError(t, p2.Start(context.Background(), other))
	require.NoError(t, p.ConsumeMetrics(context.Background(), requestsBatch("h")))
	require.NoError(t, p2.ConsumeMetrics(context.Background(), requestsBatch("h")))
	assert.Equal(t, 2, len(sink.AllMetrics()))
	assert.Zero(t, p.(*metricsProcessor).current.Load().items.Load(), "not measured")
	require.NoError(t, p.Shutdown(context.Background()))
	require.NoError(t, p2.Shutdown(context.Background()))
}

type plainExtension struct {
	component.StartFunc
	component.ShutdownFunc
}

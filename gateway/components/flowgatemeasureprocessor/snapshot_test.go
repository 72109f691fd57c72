package flowgatemeasureprocessor

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/open-telemetry/opamp-go/protobufs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/processor"
)

type decodedSnapshot struct {
	ID        string          `json:"id"`
	Pipeline  string          `json:"pipeline"`
	Position  string          `json:"position"`
	Signal    string          `json:"signal"`
	Items     int             `json:"items"`
	Truncated bool            `json:"truncated"`
	OTLP      json.RawMessage `json:"otlp"`
	Error     string          `json:"error"`
}

func requestSnapshot(reg *fakeRegistry, req string) {
	reg.inbox <- &protobufs.CustomMessage{Capability: capability, Type: typeSnapshotRequest, Data: []byte(req)}
}

func snapshots(t *testing.T, reg *fakeRegistry, n int) []decodedSnapshot {
	t.Helper()
	msgs := reg.waitFor(t, typeSnapshotReply, n, 10*time.Second)
	out := make([]decodedSnapshot, len(msgs))
	for i, m := range msgs {
		gunzipJSON(t, m.data, &out[i])
	}
	return out
}

func startLogs(t *testing.T, reg *fakeRegistry, position string) processor.Logs {
	t.Helper()
	p, err := NewFactory().CreateLogs(context.Background(), settings(position+".1"), testConfig("logs", position), consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), hostWith(reg)))
	return p
}

// waitArmed waits until the reporter has armed a capture on p (it reads requests asynchronously).
func waitArmed(t *testing.T, m *measurer) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); m.capture.Load() == nil; {
		require.True(t, time.Now().Before(deadline), "capture never armed")
		time.Sleep(5 * time.Millisecond)
	}
}

func TestSnapshotCapturesNextRecordsWithinBounds(t *testing.T) {
	reg := newFakeRegistry()
	in := startLogs(t, reg, "in")
	out := startLogs(t, reg, "out")
	defer func() { _ = in.Shutdown(context.Background()); _ = out.Shutdown(context.Background()) }()

	requestSnapshot(reg, `{"id":"snap-1","pipeline":"logs","position":"in","signal":"logs","max_items":5,"timeout_s":30}`)
	waitArmed(t, in.(*logsProcessor).measurer)
	assert.Nil(t, out.(*logsProcessor).capture.Load(), "the out instance does not match")

	require.NoError(t, in.ConsumeLogs(context.Background(), logsBatch())) // 6 records: 5 fit
	got := snapshots(t, reg, 1)[0]
	assert.Equal(t, "snap-1", got.ID)
	assert.Equal(t, "logs", got.Pipeline)
	assert.Equal(t, "in", got.Position)
	assert.Equal(t, "logs", got.Signal)
	assert.Equal(t, 5, got.Items)
	assert.True(t, got.Truncated, "a sixth record was there")
	assert.Empty(t, got.Error)

	ld, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(got.OTLP)
	require.NoError(t, err, "otlp is OTLP/JSON")
	assert.Equal(t, 5, ld.LogRecordCount())
	first := ld.ResourceLogs().At(0)
	svc, _ := first.Resource().Attributes().Get("service.name")
	assert.Equal(t, "checkout", svc.Str())
	assert.Equal(t, "order 0 placed", first.ScopeLogs().At(0).LogRecords().At(0).Body().Str())
	assert.Nil(t, in.(*logsProcessor).capture.Load(), "answered once, then disarmed")
}

func TestSnapshotBytesBound(t *testing.T) {
	reg := newFakeRegistry()
	in := startLogs(t, reg, "in")
	defer func() { _ = in.Shutdown(context.Background()) }()
	requestSnapshot(reg, `{"id":"snap-2","max_items":1000,"max_bytes":2048,"timeout_s":30}`)
	waitArmed(t, in.(*logsProcessor).measurer)
	ld := plog.NewLogs()
	lrs := ld.ResourceLogs().AppendEmpty().ScopeLogs().AppendEmpty().LogRecords()
	for i := 0; i < 200; i++ {
		lrs.AppendEmpty().Body().SetStr(fmt.Sprintf("record %d %s", i, strings.Repeat("x", 40)))
	}
	require.NoError(t, in.ConsumeLogs(context.Background(), ld))
	got := snapshots(t, reg, 1)[0]
	assert.LessOrEqual(t, len(got.OTLP), 2048, "max_bytes bounds the OTLP/JSON")
	assert.True(t, got.Truncated)
	assert.Positive(t, got.Items)
	back, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(got.OTLP)
	require.NoError(t, err)
	assert.Equal(t, got.Items, back.LogRecordCount())
}

func TestSnapshotTimeoutAnswersWithWhatItHas(t *testing.T) {
	reg := newFakeRegistry()
	p, err := NewFactory().CreateMetrics(context.Background(), settings("out.0"), testConfig("metrics", "out"), consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), hostWith(reg)))
	defer func() { _ = p.Shutdown(context.Background()) }()
	requestSnapshot(reg, `{"id":"snap-3","signal":"metrics","max_items":500,"timeout_s":1}`)
	waitArmed(t, p.(*metricsProcessor).measurer)
	require.NoError(t, p.ConsumeMetrics(context.Background(), requestsBatch("h"))) // 85 points < 500
	got := snapshots(t, reg, 1)[0]
	assert.Equal(t, 85, got.Items)
	assert.False(t, got.Truncated)
	md, err := (&pmetric.JSONUnmarshaler{}).UnmarshalMetrics(got.OTLP)
	require.NoError(t, err)
	assert.Equal(t, 85, md.DataPointCount())
	assert.Equal(t, "http.server.requests", md.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0).Name())
	assert.True(t, md.ResourceMetrics().At(0).ScopeMetrics().At(0).Metrics().At(0).Sum().IsMonotonic())
}

func TestSnapshotRequestProblemsAreAnswered(t *testing.T) {
	reg := newFakeRegistry()
	in := startLogs(t, reg, "in")
	defer func() { _ = in.Shutdown(context.Background()) }()
	requestSnapshot(reg, `{"id":"snap-4","pipeline":"nosuch"}`)
	requestSnapshot(reg, `{"id":"snap-5","position":"middle"}`)
	requestSnapshot(reg, `not json`) // no id to answer to: logged only
	requestSnapshot(reg, `{"id":"snap-6","timeout_s":30}`)
	waitArmed(t, in.(*logsProcessor).measurer)
	requestSnapshot(reg, `{"id":"snap-7"}`)
	got := snapshots(t, reg, 3)
	assert.Equal(t, "snap-4", got[0].ID)
	assert.Contains(t, got[0].Error, "no flowgate_measure instance matches")
	assert.Equal(t, "snap-5", got[1].ID)
	assert.Contains(t, got[1].Error, "position must be in or out")
	assert.Equal(t, "snap-7", got[2].ID)
	assert.Contains(t, got[2].Error, "another snapshot")
}

func TestSnapshotRequestBounds(t *testing.T) {
	req, err := parseSnapshotRequest([]byte(`{"id":"x","max_items":100000,"max_bytes":99999999,"timeout_s":600}`))
	require.NoError(t, err)
	assert.Equal(t, maxSnapshotItems, req.MaxItems)
	assert.Equal(t, maxSnapshotBytes, req.MaxBytes)
	assert.Equal(t, maxSnapshotTimeout, req.timeout())
	req, err = parseSnapshotRequest([]byte(`{"id":"x"}`))
	require.NoError(t, err)
	assert.Equal(t, defaultSnapshotItems, req.MaxItems)
	assert.Equal(t, defaultSnapshotBytes, req.MaxBytes)
	assert.Equal(t, defaultSnapshotTimeout, req.timeout())
	gz, err := gzipJSON(map[string]any{"id": "gz", "max_items": 3})
	require.NoError(t, err)
	req, err = parseSnapshotRequest(gz)
	require.NoError(t, err, "gzip-compressed requests are read too")
	assert.Equal(t, "gz", req.ID)
	assert.Equal(t, 3, req.MaxItems)
	_, err = parseSnapshotRequest([]byte(`{"max_items":3}`))
	assert.ErrorContains(t, err, "id is required")
}

package flowgatemeasureprocessor

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// logsBatch: checkout logs 3 INFO (text) + 1 ERROR (text); a resource without service.name with
// 2 records that only carry a severity number (WARN, INFO2).
func logsBatch() plog.Logs {
	ld := plog.NewLogs()
	rl := ld.ResourceLogs().AppendEmpty()
	rl.Resource().Attributes().PutStr("service.name", "checkout")
	sl := rl.ScopeLogs().AppendEmpty()
	for i := 0; i < 3; i++ {
		lr := sl.LogRecords().AppendEmpty()
		lr.SetSeverityText("INFO")
		lr.SetSeverityNumber(plog.SeverityNumberInfo)
		lr.Body().SetStr(fmt.Sprintf("order %d placed", i))
	}
	lr := sl.LogRecords().AppendEmpty()
	lr.SetSeverityText("ERROR")
	lr.Body().SetStr("payment declined: a rather longer message than the others, so its bytes differ")

	anon := ld.ResourceLogs().AppendEmpty()
	anon.Resource().Attributes().PutStr("host.name", "h1")
	asl := anon.ScopeLogs().AppendEmpty()
	asl.Scope().SetName("legacy")
	asl.LogRecords().AppendEmpty().SetSeverityNumber(plog.SeverityNumberWarn)
	asl.LogRecords().AppendEmpty().SetSeverityNumber(plog.SeverityNumberInfo2)
	return ld
}

func TestLogsSummary(t *testing.T) {
	reg := newFakeRegistry()
	sink := new(consumertest.LogsSink)
	p, err := NewFactory().CreateLogs(context.Background(), settings("in.1"), testConfig("logs", "in"), sink)
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), hostWith(reg)))
	ld := logsBatch()
	before, _ := (&plog.ProtoMarshaler{}).MarshalLogs(ld)
	require.NoError(t, p.ConsumeLogs(context.Background(), ld))
	require.NoError(t, p.ConsumeLogs(context.Background(), logsBatch()))
	require.NoError(t, p.Shutdown(context.Background()))

	after, _ := (&plog.ProtoMarshaler{}).MarshalLogs(sink.AllLogs()[0])
	assert.Equal(t, before, after, "logs pass unchanged")

	sums := decodeSummaries(t, reg.messages(typeSummary))
	require.Len(t, sums, 1)
	pt := sums[0].Points[0]
	assert.Equal(t, "logs", pt.Signal)
	assert.Nil(t, pt.Metrics, "no metrics key for a logs pipeline")
	assert.Equal(t, int64(12), pt.Items)
	size := int64((&plog.ProtoMarshaler{}).LogsSize(logsBatch()))
	assert.Equal(t, 2*size, pt.Bytes)

	groups := map[string]float64{}
	var groupBytes float64
	for _, g := range pt.Logs {
		groups[g["service"].(string)+"/"+g["severity"].(string)] = g["records"].(float64)
		groupBytes += g["bytes"].(float64)
	}
	assert.Equal(t, map[string]float64{
		"checkout/INFO": 6, "checkout/ERROR": 2, "unknown/WARN": 2, "unknown/INFO2": 2,
	}, groups)
	assert.Equal(t, float64(pt.Bytes), groupBytes, "every byte is attributed to a group")
	require.NotNil(t, pt.LogsDropped)
	assert.Zero(t, *pt.LogsDropped)
}

func TestLogGroupsLimit(t *testing.T) {
	reg := newFakeRegistry()
	cfg := testConfig("logs", "in")
	cfg.Limits.MaxLogGroups = 2
	p, err := NewFactory().CreateLogs(context.Background(), settings("in.1"), cfg, consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), hostWith(reg)))
	require.NoError(t, p.ConsumeLogs(context.Background(), logsBatch()))
	require.NoError(t, p.Shutdown(context.Background()))
	pt := decodeSummaries(t, reg.messages(typeSummary))[0].Points[0]
	assert.Len(t, pt.Logs, 2)
	assert.Equal(t, int64(6), pt.Items)
	var grouped float64
	for _, g := range pt.Logs {
		grouped += g["records"].(float64)
	}
	assert.Equal(t, int64(6), int64(grouped)+*pt.LogsDropped)
}

func TestSeverityNames(t *testing.T) {
	assert.Equal(t, "UNSPECIFIED", severityName(plog.SeverityNumberUnspecified))
	assert.Equal(t, "TRACE", severityName(plog.SeverityNumberTrace))
	assert.Equal(t, "DEBUG4", severityName(plog.SeverityNumberDebug4))
	assert.Equal(t, "INFO", severityName(plog.SeverityNumberInfo))
	assert.Equal(t, "WARN2", severityName(plog.SeverityNumberWarn2))
	assert.Equal(t, "FATAL4", severityName(plog.SeverityNumberFatal4))
}

func TestTracesSummary(t *testing.T) {
	reg := newFakeRegistry()
	sink := new(consumertest.TracesSink)
	p, err := NewFactory().CreateTraces(context.Background(), settings("out.2"), testConfig("traces", "out"), sink)
	require.NoError(t, err)
	require.NoError(t, p.Start(context.Background(), hostWith(reg)))
	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	for i := 0; i < 7; i++ {
		spans.AppendEmpty().SetName(fmt.Sprintf("GET /items/%d", i))
	}
	require.NoError(t, p.ConsumeTraces(context.Background(), td))
	require.NoError(t, p.Shutdown(context.Background()))
	assert.Equal(t, 7, sink.SpanCount(), "spans pass on")
	pt := decodeSummaries(t, reg.messages(typeSummary))[0].Points[0]
	assert.Equal(t, "traces", pt.Signal)
	assert.Equal(t, int64(7), pt.Items)
	assert.Equal(t, int64((&ptrace.ProtoMarshaler{}).TracesSize(td)), pt.Bytes)
	assert.Nil(t, pt.Metrics)
	assert.Nil(t, pt.Logs)
}

package flowgatemeasureprocessor

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.uber.org/zap"

	"github.com/open-telemetry/opentelemetry-collector-contrib/extension/opampcustommessages"
)

type signal string

const (
	signalMetrics signal = "metrics"
	signalLogs    signal = "logs"
	signalTraces  signal = "traces"
)

// measurer is what the three signal processors share: the configuration, the current window,
// a snapshot capture when one is armed, and the reporter once started.
type measurer struct {
	cfg    *Config
	signal signal
	id     component.ID
	logger *zap.Logger

	// active is set while a reporter takes the windows; without one the processor only passes data on.
	active  atomic.Bool
	current atomic.Pointer[window]
	capture atomic.Pointer[capture]

	// Owned by the reporter (under reporter.mu).
	rep       *reporter
	windowEnd time.Time
}

func newMeasurer(set processor.Settings, cfg *Config, sig signal) *measurer {
	m := &measurer{cfg: cfg, signal: sig, id: set.ID, logger: set.Logger}
	m.current.Store(newWindow(time.Now(), cfg.Limits))
	return m
}

// Processors are often created once per pipeline; warn once per missing extension id.
var warnedMissing sync.Map

func (m *measurer) Start(_ context.Context, host component.Host) error {
	registry, ok := findRegistry(host, m.cfg.OpAMP)
	if !ok {
		if _, seen := warnedMissing.LoadOrStore(m.cfg.OpAMP.String(), true); !seen {
			m.logger.Warn("flowgate_measure: no OpAMP extension with custom messages under this id; "+
				"passing data through without measuring",
				zap.String("opamp", m.cfg.OpAMP.String()))
		}
		return nil
	}
	rep, err := acquireReporter(registry, m.logger)
	if err != nil {
		// Never fail the collector over measurement: pass data through and say why.
		m.logger.Warn("flowgate_measure: cannot register with the OpAMP extension; passing data through without measuring",
			zap.Error(err))
		return nil
	}
	rep.add(m)
	return nil
}

func (m *measurer) Shutdown(ctx context.Context) error {
	if m.rep != nil {
		m.rep.remove(ctx, m)
	}
	return nil
}

func findRegistry(host component.Host, id component.ID) (opampcustommessages.CustomCapabilityRegistry, bool) {
	if host == nil {
		return nil, false
	}
	ext, ok := host.GetExtensions()[id]
	if !ok {
		return nil, false
	}
	registry, ok := ext.(opampcustommessages.CustomCapabilityRegistry)
	return registry, ok
}

var passThrough = consumer.Capabilities{MutatesData: false}

// Each processor measures a batch before handing it on: a consumer further down may own and
// change it afterwards.

type metricsProcessor struct {
	*measurer
	next consumer.Metrics
}

func (p *metricsProcessor) Capabilities() consumer.Capabilities { return passThrough }

func (p *metricsProcessor) ConsumeMetrics(ctx context.Context, md pmetric.Metrics) error {
	if p.active.Load() {
		p.measureMetrics(md)
		if c := p.capture.Load(); c != nil {
			c.offerMetrics(md)
		}
	}
	return p.next.ConsumeMetrics(ctx, md)
}

type logsProcessor struct {
	*measurer
	next consumer.Logs
}

func (p *logsProcessor) Capabilities() consumer.Capabilities { return passThrough }

func (p *logsProcessor) ConsumeLogs(ctx context.Context, ld plog.Logs) error {
	if p.active.Load() {
		p.measureLogs(ld)
		if c := p.capture.Load(); c != nil {
			c.offerLogs(ld)
		}
	}
	return p.next.ConsumeLogs(ctx, ld)
}

type tracesProcessor struct {
	*measurer
	next consumer.Traces
}

func (p *tracesProcessor) Capabilities() consumer.Capabilities { return passThrough }

func (p *tracesProcessor) ConsumeTraces(ctx context.Context, td ptrace.Traces) error {
	if p.active.Load() {
		p.measureTraces(td)
		if c := p.capture.Load(); c != nil {
			c.offerTraces(td)
		}
	}
	return p.next.ConsumeTraces(ctx, td)
}

// Package flowgatemeasureprocessor is Flowgate's measurement processor, flowgate_measure: it passes
// every batch on unchanged and reports, through the collector's OpAMP extension, what passed at its
// position in the pipeline (items, bytes, and per metric name its series, data points, bytes and
// label cardinality; per log service and severity its records and bytes). The contract with the
// control plane is docs/measurement.md in the Flowgate repository.
package flowgatemeasureprocessor // import "github.com/flowgate/flowgate/gateway/components/flowgatemeasureprocessor"

import (
	"context"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/processor"
)

const (
	typeStr   = "flowgate_measure"
	stability = component.StabilityLevelAlpha
)

// componentType is the type in collector configurations: flowgate_measure/<name>.
var componentType = component.MustNewType(typeStr)

// NewFactory returns the factory of the flowgate_measure processor.
func NewFactory() processor.Factory {
	return processor.NewFactory(
		componentType,
		createDefaultConfig,
		processor.WithMetrics(createMetrics, stability),
		processor.WithLogs(createLogs, stability),
		processor.WithTraces(createTraces, stability),
	)
}

func createMetrics(_ context.Context, set processor.Settings, cfg component.Config, next consumer.Metrics) (processor.Metrics, error) {
	return &metricsProcessor{measurer: newMeasurer(set, cfg.(*Config), signalMetrics), next: next}, nil
}

func createLogs(_ context.Context, set processor.Settings, cfg component.Config, next consumer.Logs) (processor.Logs, error) {
	return &logsProcessor{measurer: newMeasurer(set, cfg.(*Config), signalLogs), next: next}, nil
}

func createTraces(_ context.Context, set processor.Settings, cfg component.Config, next consumer.Traces) (processor.Traces, error) {
	return &tracesProcessor{measurer: newMeasurer(set, cfg.(*Config), signalTraces), next: next}, nil
}

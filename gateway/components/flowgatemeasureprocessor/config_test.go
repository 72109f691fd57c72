package flowgatemeasureprocessor

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/processor/processortest"
)

func TestFactory(t *testing.T) {
	f := NewFactory()
	assert.Equal(t, "flowgate_measure", f.Type().String())
	assert.Equal(t, component.StabilityLevelAlpha, f.MetricsStability())
	assert.Equal(t, component.StabilityLevelAlpha, f.LogsStability())
	assert.Equal(t, component.StabilityLevelAlpha, f.TracesStability())
	cfg := f.CreateDefaultConfig().(*Config)
	assert.Equal(t, 60*time.Second, cfg.Interval)
	assert.Equal(t, component.MustNewID("opamp"), cfg.OpAMP)
	assert.Equal(t, Limits{MaxMetrics: 5000, MaxExactValues: 1000, MaxExactSeries: 10_000, MaxExamples: 5, MaxLogGroups: 1000, MaxMemoryMiB: 64}, cfg.Limits)
	assert.Error(t, cfg.Validate(), "pipeline and position have no defaults")
}

func TestConfigFromYAMLKeys(t *testing.T) {
	cfg := createDefaultConfig().(*Config)
	conf := confmap.NewFromStringMap(map[string]any{
		"pipeline": "logs/app",
		"position": "out",
		"interval": "15s",
		"opamp":    "opamp/flowgate",
		"limits":   map[string]any{"max_metrics": 100, "max_exact_values": 50, "max_examples": 2},
	})
	require.NoError(t, conf.Unmarshal(cfg))
	require.NoError(t, cfg.Validate())
	assert.Equal(t, "logs/app", cfg.Pipeline)
	assert.Equal(t, PositionOut, cfg.Position)
	assert.Equal(t, 15*time.Second, cfg.Interval)
	assert.Equal(t, component.MustNewIDWithName("opamp", "flowgate"), cfg.OpAMP)
	assert.Equal(t, 100, cfg.Limits.MaxMetrics)
	assert.Equal(t, 50, cfg.Limits.MaxExactValues)
	assert.Equal(t, 2, cfg.Limits.MaxExamples)
	assert.Equal(t, 1000, cfg.Limits.MaxLogGroups, "unset limits keep their defaults")

	unknown := confmap.NewFromStringMap(map[string]any{"pipeline": "x", "position": "in", "colour": "red"})
	assert.ErrorContains(t, unknown.Unmarshal(createDefaultConfig()), "colour")
}

func TestValidateReportsEveryProblem(t *testing.T) {
	cfg := &Config{
		Position: "middle",
		Interval: 100 * time.Millisecond,
		Limits:   Limits{MaxMetrics: 0, MaxExactValues: -1, MaxExactSeries: 0, MaxExamples: 1000, MaxLogGroups: 0, MaxMemoryMiB: 0},
	}
	err := cfg.Validate()
	require.Error(t, err)
	for _, want := range []string{
		"pipeline: required",
		`position: must be "in" or "out", got "middle"`,
		"interval: must be between 1s and 1h0m0s, got 100ms",
		"opamp: required",
		"limits.max_metrics: must be between 1 and 20000, got 0",
		"limits.max_exact_values: must be between 1 and 100000, got -1",
		"limits.max_exact_series: must be between 1 and 1000000, got 0",
		"limits.max_examples: must be between 0 and 32, got 1000",
		"limits.max_log_groups: must be between 1 and 20000, got 0",
		"limits.max_memory_mib: must be between 1 and 16384, got 0",
	} {
		assert.Contains(t, err.Error(), want)
	}
}

func TestShutdownWithoutStartAndAfterShutdown(t *testing.T) {
	processortest.VerifyShutdown(t, NewFactory(), testConfig("metrics", "in"))
	p, err := NewFactory().CreateLogs(context.Background(), settings("in.0"), testConfig("logs", "in"), consumertest.NewNop())
	require.NoError(t, err)
	require.NoError(t, p.Shutdown(context.Background()))
}

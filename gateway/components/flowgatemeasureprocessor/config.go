package flowgatemeasureprocessor

import (
	"errors"
	"fmt"
	"time"

	"go.opentelemetry.io/collector/component"
)

// Position says where in its pipeline an instance sits.
const (
	PositionIn  = "in"
	PositionOut = "out"
)

// Config of one flowgate_measure instance. The control plane inserts two per pipeline
// (docs/measurement.md); users normally never write one by hand.
type Config struct {
	// Pipeline is the id of the pipeline this instance sits in (a processor cannot learn it otherwise).
	Pipeline string `mapstructure:"pipeline"`
	// Position is "in" (first processor) or "out" (last processor, right before the exporters).
	Position string `mapstructure:"position"`
	// Interval between summaries; windows are aligned to multiples of it.
	Interval time.Duration `mapstructure:"interval"`
	// OpAMP is the id of the OpAMP extension summaries are reported through.
	OpAMP component.ID `mapstructure:"opamp"`
	// Limits bound what one instance keeps per window.
	Limits Limits `mapstructure:"limits"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// Limits bound the memory of one instance and the size of its summaries.
type Limits struct {
	// MaxMetrics is the number of metric names tracked per window; the rest count in the totals
	// and in metrics_dropped only.
	MaxMetrics int `mapstructure:"max_metrics"`
	// MaxExactValues: distinct values per label key are counted exactly up to this, then estimated.
	MaxExactValues int `mapstructure:"max_exact_values"`
	// MaxExactSeries: series per metric are counted exactly up to this, then estimated.
	MaxExactSeries int `mapstructure:"max_exact_series"`
	// MaxExamples is the number of example values kept per label key.
	MaxExamples int `mapstructure:"max_examples"`
	// MaxLogGroups is the number of (service, severity) groups tracked per window for logs.
	MaxLogGroups int `mapstructure:"max_log_groups"`
	// MaxMemoryMiB bounds the memory one instance uses for detail (series, values, examples)
	// per window. Past it, new metrics and label keys are not tracked and sets stop growing.
	MaxMemoryMiB int `mapstructure:"max_memory_mib"`
}

// Bounds of the configuration values; outside them Validate reports a problem. The counts stay
// within what the control plane accepts in one summary (docs/measurement.md).
const (
	minInterval       = time.Second
	maxInterval       = time.Hour
	maxMaxMetrics     = 20_000
	maxMaxExactValues = 100_000
	maxMaxExactSeries = 1_000_000
	maxMaxExamples    = 32
	maxMaxLogGroups   = 20_000
	maxMaxMemoryMiB   = 16 * 1024
)

func createDefaultConfig() component.Config {
	return &Config{
		Interval: 60 * time.Second,
		OpAMP:    component.MustNewID("opamp"),
		Limits: Limits{
			MaxMetrics:     5000,
			MaxExactValues: 1000,
			MaxExactSeries: 10_000,
			MaxExamples:    5,
			MaxLogGroups:   1000,
			MaxMemoryMiB:   64,
		},
	}
}

// Validate reports every problem of the configuration at once, each with its key.
func (c *Config) Validate() error {
	var errs []error
	problem := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if c.Pipeline == "" {
		problem("pipeline", "required: the id of the pipeline this instance sits in")
	}
	if c.Position != PositionIn && c.Position != PositionOut {
		problem("position", "must be %q or %q, got %q", PositionIn, PositionOut, c.Position)
	}
	if c.Interval < minInterval || c.Interval > maxInterval {
		problem("interval", "must be between %s and %s, got %s", minInterval, maxInterval, c.Interval)
	}
	if c.OpAMP.Type().String() == "" {
		problem("opamp", "required: the id of the OpAMP extension to report through")
	}
	inRange := func(key string, v, lo, hi int) {
		if v < lo || v > hi {
			problem(key, "must be between %d and %d, got %d", lo, hi, v)
		}
	}
	inRange("limits.max_metrics", c.Limits.MaxMetrics, 1, maxMaxMetrics)
	inRange("limits.max_exact_values", c.Limits.MaxExactValues, 1, maxMaxExactValues)
	inRange("limits.max_exact_series", c.Limits.MaxExactSeries, 1, maxMaxExactSeries)
	inRange("limits.max_examples", c.Limits.MaxExamples, 0, maxMaxExamples)
	inRange("limits.max_log_groups", c.Limits.MaxLogGroups, 1, maxMaxLogGroups)
	inRange("limits.max_memory_mib", c.Limits.MaxMemoryMiB, 1, maxMaxMemoryMiB)
	return errors.Join(errs...)
}

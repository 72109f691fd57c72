// Command opampsupervisor is Flowgate's build of the upstream OpenTelemetry
// OpAMP supervisor (opentelemetry-collector-contrib cmd/opampsupervisor).
//
// Installing the upstream command with `go install ...@version` fails because
// its go.mod carries replace directives, so this small module imports the
// upstream supervisor packages and provides the command-line entry point:
//
//	opampsupervisor --config supervisor.yaml [--feature-gates=gateA,-gateB]
//
// It loads the config, creates the logger configured in `telemetry.logs`,
// starts the supervisor and shuts it down on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/open-telemetry/opentelemetry-collector-contrib/cmd/opampsupervisor/supervisor"
	"github.com/open-telemetry/opentelemetry-collector-contrib/cmd/opampsupervisor/supervisor/config"
	"github.com/open-telemetry/opentelemetry-collector-contrib/cmd/opampsupervisor/supervisor/telemetry"
	"go.opentelemetry.io/collector/featuregate"
	"go.uber.org/zap"
)

// exitUsage is returned for command-line errors (flag's own convention).
const exitUsage = 2

func main() {
	flags := flag.NewFlagSet("opampsupervisor", flag.ContinueOnError)
	configPath := flags.String("config", "", "path to the supervisor configuration file (required)")
	// Adds --feature-gates, backed by the process-wide feature gate registry
	// that the upstream supervisor packages consult.
	featuregate.GlobalRegistry().RegisterFlags(flags)

	if err := flags.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		os.Exit(exitUsage)
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "opampsupervisor: unexpected arguments: %v\n", flags.Args())
		os.Exit(exitUsage)
	}

	if err := run(*configPath); err != nil {
		fmt.Fprintf(os.Stderr, "opampsupervisor: %v\n", err)
		os.Exit(1)
	}
}

func run(configPath string) error {
	if configPath == "" {
		return errors.New("missing --config <file>")
	}

	cfg, err := config.Load(configPath)
	if err != nil {
		return fmt.Errorf("loading config: %w", err)
	}

	logger, err := telemetry.NewLogger(cfg.Telemetry.Logs)
	if err != nil {
		return fmt.Errorf("creating logger: %w", err)
	}
	defer func() { _ = logger.Sync() }()

	// The supervisor's context stays live until Shutdown has returned: the
	// supervisor stops its collector and OpAMP connections with it, and a
	// cancelled context would turn a graceful stop into "context canceled"
	// errors and a killed collector.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)

	sup, err := supervisor.NewSupervisor(ctx, logger.Named("supervisor"), cfg)
	if err != nil {
		return fmt.Errorf("creating supervisor: %w", err)
	}
	if err := sup.Start(ctx); err != nil {
		return fmt.Errorf("starting supervisor: %w", err)
	}

	sig := <-signals
	// A second signal while shutting down kills the process the default way.
	signal.Reset(os.Interrupt, syscall.SIGTERM)
	logger.Info("Signal received, shutting down the supervisor", zap.String("signal", sig.String()))
	sup.Shutdown()
	return nil
}

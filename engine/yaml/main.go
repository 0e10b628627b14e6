// pulumi-language-yaml: the real Pulumi YAML language host (pulumi-yaml's pkg/server, which evaluates
// the program and registers its resources), started by this main instead of upstream's
// cmd/pulumi-language-yaml for one difference: how soon it notices that the engine is gone.
//
// Upstream's main asks the engine's gRPC health service every 5 minutes, so a host whose engine was
// SIGKILLed (a cancelled CI job) stays up to 5 minutes, holding its port. This one also watches its
// parent process (the engine; an orphan is re-parented) and asks the health service every second,
// and exits within seconds. See docs/engine.md, "When the engine is gone".
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/pulumi/pulumi-yaml/pkg/server"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

const (
	// parentPollInterval is how often the host checks that its parent (the engine) still exists.
	parentPollInterval = 500 * time.Millisecond
	// healthInterval is how often the engine's health service is asked.
	healthInterval = time.Second
)

func main() {
	var tracing string
	flag.StringVar(&tracing, "tracing", "", "Emit tracing to a Zipkin-compatible tracing endpoint")
	// Accepted as upstream's main accepts them; the engine may pass them.
	flag.String("root", "", "Root of the program execution")
	flag.String("compiler", "", "[obsolete] Compiler to use to pre-process YAML")
	flag.Parse()
	logging.InitLogging(false, 0, false)
	cmdutil.InitTracing("pulumi-language-yaml", "pulumi-language-yaml", tracing)

	var engineAddress string
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[0]
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if engineAddress != "" {
		if err := rpcutil.Healthcheck(ctx, engineAddress, healthInterval, stop); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start the health check of the engine: %w", err))
		}
		go watchParent(ctx, stop)
	}
	cancel := make(chan bool)
	go func() {
		<-ctx.Done()
		close(cancel)
	}()

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, server.NewLanguageHost(engineAddress, tracing, false))
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start the language host's RPC server: %w", err))
	}
	// The port, for the engine that started the host.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("the language host's RPC server stopped: %w", err))
	}
}

// watchParent calls gone once the host's parent process is no longer the one that started it.
func watchParent(ctx context.Context, gone context.CancelFunc) {
	parent := os.Getppid()
	ticker := time.NewTicker(parentPollInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if os.Getppid() != parent {
				gone()
				return
			}
		}
	}
}

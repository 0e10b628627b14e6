// Process lifetime: the host must not outlive the engine that started it, and must not leave behind
// the node processes it starts. See docs/engine.md, "When the engine is gone".
//
// The engine starts every plugin in a process group of its own and, when it is done with one,
// sends SIGINT to that group and SIGKILL 5 s later. A SIGKILLed engine sends nothing, so the host
// watches for itself: its parent process (the engine) changing, and the engine's gRPC health
// service. Upstream's Go plugins use the same health check, every 5 minutes; here it is every
// second, so that an orphaned host exits within seconds.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

const (
	// parentPollInterval is how often the host checks that its parent (the engine) still exists.
	parentPollInterval = 500 * time.Millisecond
	// healthInterval is how often the engine's health service is asked, each answer awaited this long.
	healthInterval = time.Second
	// healthFailuresToGone failed checks in a row mean the engine is gone. More than one, so that an
	// engine slow to answer on a busy machine does not lose its program.
	healthFailuresToGone = 5
	// shutdownGrace is how long children get to exit after the host forwarded SIGINT/SIGTERM to
	// them; less than the 5 s after which the engine sends SIGKILL to the host's group.
	shutdownGrace = 4 * time.Second
	// watchdogFile is the Node preload (scripts/engine/plugin-watchdog.js) installed next to the
	// host: a node child started with it exits by itself once its parent is gone.
	watchdogFile = "plugin-watchdog.js"
	// parentPidEnv names, for the watchdog, the parent whose exit means the child must exit too.
	parentPidEnv = "PULUMI_CINDER_PARENT_PID"
)

// watchEngine calls gone (once, from another goroutine) when the engine at addr has gone away: the
// host's parent process changed (the engine exited and the host was re-parented), or the engine's
// health service failed healthFailuresToGone times in a row. An engine without a health service
// (Unimplemented) counts as alive, as upstream treats it.
func watchEngine(addr string, gone func(reason string)) error {
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return fmt.Errorf("health check of the engine at %s: %w", addr, err)
	}
	var once sync.Once
	report := func(reason string) { once.Do(func() { gone(reason) }) }

	parent := os.Getppid()
	go func() {
		for range time.Tick(parentPollInterval) {
			if now := os.Getppid(); now != parent {
				report(fmt.Sprintf("its parent process %d exited", parent))
				return
			}
		}
	}()

	health := healthpb.NewHealthClient(conn)
	go func() {
		failures := 0
		for range time.Tick(healthInterval) {
			ctx, cancel := context.WithTimeout(context.Background(), healthInterval)
			_, err := health.Check(ctx, &healthpb.HealthCheckRequest{})
			cancel()
			if err == nil || status.Code(err) == codes.Unimplemented {
				failures = 0
				continue
			}
			failures++
			if failures >= healthFailuresToGone {
				report(fmt.Sprintf("its health check failed %d times in a row: %v", failures, err))
				return
			}
		}
	}()
	return nil
}

// children are the node processes the host started and has not yet seen exit. Each runs in a
// process group of its own, so that the host can stop it together with whatever it started.
type children struct {
	mu      sync.Mutex
	closing bool
	groups  map[int]struct{}
	// preloads are the `--require` arguments of the Node preloads installed next to the host.
	preloads []string
}

func newChildren() *children {
	return &children{groups: map[int]struct{}{}, preloads: installedPreloads()}
}

// nodeArgs are the arguments that come first on a child's node command line: the preloads.
func (c *children) nodeArgs() []string {
	return c.preloads
}

// env adds what the watchdog reads to a child's environment.
func (c *children) env(env []string) []string {
	return append(env, parentPidEnv+"="+strconv.Itoa(os.Getpid()))
}

// run starts cmd in a process group of its own, records it until it exits, and waits for it. When
// cmd's context is cancelled, the whole group is killed (not only the node process).
func (c *children) run(cmd *exec.Cmd) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }

	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return errors.New("the language host is shutting down")
	}
	if err := cmd.Start(); err != nil {
		c.mu.Unlock()
		return err
	}
	pid := cmd.Process.Pid
	c.groups[pid] = struct{}{}
	c.mu.Unlock()

	err := cmd.Wait()
	c.mu.Lock()
	delete(c.groups, pid)
	c.mu.Unlock()
	return err
}

// signalAll sends sig to every child's process group; with closing set, no new child starts.
func (c *children) signalAll(sig syscall.Signal, closing bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closing = c.closing || closing
	for pid := range c.groups {
		_ = syscall.Kill(-pid, sig)
	}
}

// exitWhenEngineGone starts watching the engine; once it is gone, the children are killed and the
// host exits.
func (c *children) exitWhenEngineGone(engineAddr string) error {
	return watchEngine(engineAddr, func(reason string) {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: the engine at %s is gone (%s); killing the program and exiting\n",
			engineAddr, reason)
		c.signalAll(syscall.SIGKILL, true)
		os.Exit(1)
	})
}

// shutDownOnSignal handles SIGINT and SIGTERM, which the engine sends when it is done with the
// host: the signal is passed on to the children, the gRPC server stops once its calls are
// answered, and whatever is still running after shutdownGrace is killed. Then the host exits.
func (c *children) shutDownOnSignal(srv *grpc.Server) {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		sig := (<-signals).(syscall.Signal)
		c.signalAll(sig, true)
		stopped := make(chan struct{})
		go func() {
			srv.GracefulStop()
			close(stopped)
		}()
		select {
		case <-stopped:
		case <-time.After(shutdownGrace):
		}
		c.signalAll(syscall.SIGKILL, true)
		os.Exit(0)
	}()
}

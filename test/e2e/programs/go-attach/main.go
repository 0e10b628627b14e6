// Command go-attach drives one stack of a Go program on the cinder Go SDK (program.go) through the
// Automation API's inline source, with the engine that scripts/engine.sh builds and the resource
// plugin that `npm run build` makes; test/e2e/go.lifecycle.test.ts runs it. It prints one JSON
// document on stdout, or {"error": "..."} with exit status 1.
//
//	go-attach <up|preview|refresh|destroy|remove|outputs|export> -stack NAME -work-dir DIR -engine-root DIR \
//	    -plugin DIR [-project NAME] [-config '{"key": "value", ...}'] [-remove]
//
// The environment must hold PULUMI_HOME, PULUMI_BACKEND_URL and PULUMI_CONFIG_PASSPHRASE.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		_ = json.NewEncoder(os.Stdout).Encode(map[string]string{"error": err.Error()})
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: go-attach <up|preview|refresh|destroy|remove|outputs|export> [flags]")
	}
	command := args[0]
	flags := flag.NewFlagSet(command, flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	opts := stackOptions{}
	flags.StringVar(&opts.stack, "stack", "", "stack name")
	flags.StringVar(&opts.project, "project", "cinder-go-e2e", "project name")
	flags.StringVar(&opts.workDir, "work-dir", "", "the workspace's folder (project settings, stack config)")
	flags.StringVar(&opts.engineRoot, "engine-root", "", "the folder whose bin/ holds pulumi and its plugins")
	flags.StringVar(&opts.plugin, "plugin", "", "absolute path of the cinder resource plugin")
	configJSON := flags.String("config", "", "stack config to set first, a JSON object of strings")
	remove := flags.Bool("remove", false, "destroy: remove the stack afterwards")
	if err := flags.Parse(args[1:]); err != nil {
		return err
	}
	for name, value := range map[string]string{"stack": opts.stack, "work-dir": opts.workDir, "engine-root": opts.engineRoot, "plugin": opts.plugin} {
		if value == "" {
			return fmt.Errorf("-%s is required", name)
		}
	}
	if *configJSON != "" {
		if err := json.Unmarshal([]byte(*configJSON), &opts.config); err != nil {
			return fmt.Errorf("-config: %w", err)
		}
	}
	if err := os.MkdirAll(opts.workDir, 0o755); err != nil {
		return err
	}
	stack, err := openStack(ctx, opts)
	if err != nil {
		return err
	}
	result, err := operate(ctx, stack, command, *remove)
	if err != nil {
		return err
	}
	return json.NewEncoder(out).Encode(result)
}

// operate runs one command on the stack and returns what to print.
func operate(ctx context.Context, stack auto.Stack, command string, remove bool) (any, error) {
	stream := make(chan events.EngineEvent)
	stepsDone := make(chan []plannedStep, 1)
	switch command {
	case "up":
		go collectSteps(stream, stepsDone)
		res, err := stack.Up(ctx, optup.EventStreams(stream))
		if err != nil {
			return nil, err
		}
		return map[string]any{"summary": summaryOf(res.Summary), "outputs": outputsOf(res.Outputs), "steps": <-stepsDone}, nil
	case "preview":
		go collectSteps(stream, stepsDone)
		res, err := stack.Preview(ctx, optpreview.EventStreams(stream))
		if err != nil {
			return nil, err
		}
		return map[string]any{"changeSummary": res.ChangeSummary, "steps": <-stepsDone}, nil
	case "refresh":
		res, err := stack.Refresh(ctx)
		if err != nil {
			return nil, err
		}
		return map[string]any{"summary": summaryOf(res.Summary)}, nil
	case "destroy":
		res, err := stack.Destroy(ctx)
		if err != nil {
			return nil, err
		}
		if remove {
			if err := stack.Workspace().RemoveStack(ctx, stack.Name()); err != nil {
				return nil, err
			}
		}
		return map[string]any{"summary": summaryOf(res.Summary)}, nil
	case "remove":
		// Refused while the stack still has resources (no --force).
		if err := stack.Workspace().RemoveStack(ctx, stack.Name()); err != nil {
			return nil, err
		}
		return map[string]any{"removed": stack.Name()}, nil
	case "outputs":
		outputs, err := stack.Outputs(ctx)
		if err != nil {
			return nil, err
		}
		return outputsOf(outputs), nil
	case "export":
		return exportState(ctx, stack)
	default:
		return nil, fmt.Errorf("unknown command %q", command)
	}
}

// exportState prints the stack's state as `pulumi stack export` does: secrets as ciphertext. (The
// Automation API's Stack.Export passes --show-secrets, so it is not used here.)
func exportState(ctx context.Context, stack auto.Stack) (json.RawMessage, error) {
	ws := stack.Workspace()
	env := []string{}
	for key, value := range ws.GetEnvVars() {
		env = append(env, key+"="+value)
	}
	stdout, stderr, _, err := ws.PulumiCommand().Run(ctx, ws.WorkDir(), nil, nil, nil, env, "stack", "export", "--stack", stack.Name())
	if err != nil {
		return nil, fmt.Errorf("pulumi stack export: %w: %s", err, stderr)
	}
	return json.RawMessage(stdout), nil
}

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// stackOptions says which stack to drive and with which engine and plugin.
type stackOptions struct {
	stack      string
	project    string
	workDir    string
	engineRoot string
	plugin     string
	config     map[string]string
}

// engineEnv is the CLI's environment: the engine's bin dir first on PATH (its language hosts and
// plugins), local state and home from this process's environment (as test/e2e/support/engine.ts
// engineEnv() sets them), and never a plugin download.
func engineEnv(engineRoot string) (map[string]string, error) {
	env := map[string]string{
		"PATH": filepath.Join(engineRoot, "bin") + string(os.PathListSeparator) + os.Getenv("PATH"),
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		"PULUMI_SKIP_UPDATE_CHECK":                    "true",
	}
	for _, key := range []string{"PULUMI_HOME", "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE"} {
		value, ok := os.LookupEnv(key)
		if !ok {
			return nil, fmt.Errorf("%s is not set", key)
		}
		env[key] = value
	}
	return env, nil
}

// openStack creates or selects the stack with the inline program attach, in a project whose
// settings name the plugin by path (an inline program has no Pulumi.yaml of its own), and sets the
// given stack config.
func openStack(ctx context.Context, opts stackOptions) (auto.Stack, error) {
	env, err := engineEnv(opts.engineRoot)
	if err != nil {
		return auto.Stack{}, err
	}
	pulumiCommand, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: opts.engineRoot})
	if err != nil {
		return auto.Stack{}, err
	}
	project := workspace.Project{
		Name:    tokens.PackageName(opts.project),
		Runtime: workspace.NewProjectRuntimeInfo("go", nil),
		Plugins: &workspace.Plugins{
			Providers: []workspace.PluginOptions{{Name: "cinder", Path: opts.plugin}},
		},
	}
	stack, err := auto.UpsertStackInlineSource(ctx, opts.stack, opts.project, attach,
		auto.Project(project),
		auto.WorkDir(opts.workDir),
		auto.PulumiHome(env["PULUMI_HOME"]),
		auto.Pulumi(pulumiCommand),
		auto.EnvVars(env),
	)
	if err != nil {
		return auto.Stack{}, err
	}
	if len(opts.config) > 0 {
		values := auto.ConfigMap{}
		for key, value := range opts.config {
			values[key] = auto.ConfigValue{Value: value}
		}
		if err := stack.SetAllConfig(ctx, values); err != nil {
			return auto.Stack{}, err
		}
	}
	return stack, nil
}

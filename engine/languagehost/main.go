// Command pulumi-language-nodejs is this project's own, minimal Node.js language host for the Pulumi
// engine. Upstream's host cannot be fetched here, and `pulumi up` in a folder whose Pulumi.yaml says
// `runtime: nodejs` needs one. It does only what running a program needs: it answers the engine's
// gRPC calls, and for Run it starts `node <@pulumi/pulumi/cmd/run> <flags> <program>` with the
// @pulumi/pulumi that the program itself resolves; for RunPlugin (policy packs, once a nodejs host
// exists the engine runs them through it) it starts cmd/run-policy-pack or cmd/run-plugin. It
// installs nothing, reports no plugins (dynamic providers are found by the engine as
// `pulumi-resource-pulumi-nodejs`), and generates no code. See docs/engine.md.
//
// Like every plugin it prints the port it listens on as its first line of stdout; the engine passes
// its own address as the last argument, after optional logging and tracing flags. It exits by
// itself once the engine is gone, and takes the node processes it started with it (lifetime.go).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

// version is stamped at build time (-X main.version=...) to the engine version it ships with.
var version = "0.0.0-dev"

// exitLoggedUserError is the exit code @pulumi/pulumi's cmd/run uses after it already reported the
// error to the engine; the host then asks the engine to bail without printing it again.
const exitLoggedUserError = 32

func main() {
	engineAddr, err := engineAddress(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-language-nodejs:", err)
		os.Exit(2)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-language-nodejs: node is not on PATH:", err)
		os.Exit(2)
	}

	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-language-nodejs: listen:", err)
		os.Exit(1)
	}
	srv := grpc.NewServer(grpc.MaxRecvMsgSize(400 * 1024 * 1024))
	kids := newChildren()
	pulumirpc.RegisterLanguageRuntimeServer(srv, &host{node: node, engine: engineAddr, children: kids})
	kids.shutDownOnSignal(srv)
	if err := kids.exitWhenEngineGone(engineAddr); err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-language-nodejs:", err)
		os.Exit(1)
	}

	// The engine reads this line to learn where to connect.
	fmt.Printf("%d\n", lis.Addr().(*net.TCPAddr).Port)

	if err := srv.Serve(lis); err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-language-nodejs: serve:", err)
		os.Exit(1)
	}
	// Serve returns nil only after shutDownOnSignal stopped the server; it exits the process once
	// the children are gone too.
	select {}
}

// engineAddress returns the last positional argument, skipping the flags the engine may put first:
// --logtostderr, -v=N, --logflow and --tracing <url>.
func engineAddress(args []string) (string, error) {
	var positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--tracing" || a == "-tracing":
			i++ // takes a value
		case strings.HasPrefix(a, "-"):
			// --logtostderr, -v=9, --tracing=url, --root=...: nothing we need.
		default:
			positional = append(positional, a)
		}
	}
	if len(positional) == 0 {
		return "", errors.New("usage: pulumi-language-nodejs [flags] <engine address>")
	}
	return positional[len(positional)-1], nil
}

// host implements pulumirpc.LanguageRuntimeServer; unimplemented methods answer codes.Unimplemented.
type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	node     string
	children *children

	mu     sync.Mutex
	engine string
}

func (h *host) engineAddr() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engine
}

// Handshake records the engine's address (it is the same one passed on the command line).
func (h *host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.GetEngineAddress() != "" {
		h.mu.Lock()
		h.engine = req.GetEngineAddress()
		h.mu.Unlock()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

// GetPluginInfo reports the version stamped at build time.
func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// GetRequiredPlugins reports none: the only plugin a dynamic-provider program needs is
// pulumi-resource-pulumi-nodejs, which the engine finds by itself.
func (h *host) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

// GetRequiredPackages reports none, for the same reason.
func (h *host) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

// GetProgramDependencies reports none; `pulumi about` then lists no packages.
func (h *host) GetProgramDependencies(context.Context, *pulumirpc.GetProgramDependenciesRequest) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return &pulumirpc.GetProgramDependenciesResponse{}, nil
}

// InstallDependencies installs nothing: dependencies are the project's own `npm ci`. It sends one
// note on stderr so that a caller sees why nothing happened.
func (h *host) InstallDependencies(req *pulumirpc.InstallDependenciesRequest, stream grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse]) error {
	return stream.Send(&pulumirpc.InstallDependenciesResponse{
		Stderr: []byte("pulumi-language-nodejs (minimal host): not installing dependencies; run npm ci yourself\n"),
	})
}

// About reports the node executable and its version.
func (h *host) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	out, err := exec.CommandContext(ctx, h.node, "--version").Output()
	if err != nil {
		return nil, status.Errorf(codes.Internal, "node --version: %v", err)
	}
	return &pulumirpc.AboutResponse{
		Executable: h.node,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "v"),
		Metadata:   map[string]string{"host": "minimal pulumi-language-nodejs of pulumi-cinder-attachment"},
	}, nil
}

// Run executes the program with @pulumi/pulumi's own runner and waits for it.
func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	pwd := req.GetPwd()
	if info := req.GetInfo(); info != nil && info.GetProgramDirectory() != "" {
		pwd = info.GetProgramDirectory()
	}
	if pwd == "" {
		var err error
		if pwd, err = os.Getwd(); err != nil {
			return nil, err
		}
	}

	runScript, err := h.resolve(ctx, pwd, "@pulumi/pulumi/cmd/run")
	if err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf(
			"cannot find @pulumi/pulumi from %s (has `npm ci` been run?): %v", pwd, err)}, nil
	}

	opts := runtimeOptions(req.GetInfo())
	args := append(h.children.nodeArgs(), opts.nodeArgs...)
	args = append(args, runScript)
	flag := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name+"="+value)
		}
	}
	flag("monitor", req.GetMonitorAddress())
	flag("engine", h.engineAddr())
	flag("organization", req.GetOrganization())
	flag("project", req.GetProject())
	flag("stack", req.GetStack())
	flag("pwd", pwd)
	if info := req.GetInfo(); info != nil {
		flag("root-directory", info.GetRootDirectory())
	}
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if p := req.GetParallel(); p > 0 {
		flag("parallel", strconv.Itoa(int(p)))
	}
	args = append(args, programEntry(req))
	args = append(args, req.GetArgs()...)

	env, err := programEnv(req, opts)
	if err != nil {
		return nil, err
	}

	cmd := exec.CommandContext(ctx, h.node, args...)
	cmd.Dir = pwd
	cmd.Env = h.children.env(env)
	// Wrapped so that exec copies through a pipe: node may set an inherited descriptor non-blocking.
	cmd.Stdout = struct{ io.Writer }{os.Stdout}
	cmd.Stderr = struct{ io.Writer }{os.Stderr}
	err = h.children.run(cmd)
	if err == nil {
		return &pulumirpc.RunResponse{}, nil
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Exited() && ws.ExitStatus() == exitLoggedUserError {
			return &pulumirpc.RunResponse{Bail: true}, nil
		}
		return &pulumirpc.RunResponse{Error: "Program exited with non-zero exit code: " +
			strconv.Itoa(exitErr.ExitCode())}, nil
	}
	return &pulumirpc.RunResponse{Error: "could not run node: " + err.Error()}, nil
}

// RunPlugin runs a plugin written for Node from its folder, streaming its output back. The engine
// uses it (instead of pulumi-analyzer-policy-nodejs) for policy packs once a nodejs language host
// is installed: kind "analyzer" runs @pulumi/pulumi's cmd/run-policy-pack as `<engine> <dir>`,
// other kinds run cmd/run-plugin as `<dir> <args...>`.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, stream grpc.ServerStreamingServer[pulumirpc.RunPluginResponse]) error {
	ctx := stream.Context()
	dir := req.GetPwd()
	if info := req.GetInfo(); info != nil && info.GetProgramDirectory() != "" {
		dir = info.GetProgramDirectory()
	}
	if dir == "" {
		return status.Error(codes.InvalidArgument, "RunPlugin: no plugin directory")
	}
	opts := runtimeOptions(req.GetInfo())

	args := append(h.children.nodeArgs(), opts.nodeArgs...)
	if req.GetKind() == "analyzer" {
		script, err := h.resolve(ctx, dir, "@pulumi/pulumi/cmd/run-policy-pack")
		if err != nil {
			return status.Errorf(codes.FailedPrecondition, "cannot find @pulumi/pulumi from %s (has `npm ci` been run?): %v", dir, err)
		}
		engine := h.engineAddr()
		if len(req.GetArgs()) > 0 {
			engine = req.GetArgs()[0]
		}
		args = append(args, script, engine, dir)
	} else {
		script, err := h.resolve(ctx, dir, "@pulumi/pulumi/cmd/run-plugin")
		if err != nil {
			return status.Errorf(codes.FailedPrecondition, "cannot find @pulumi/pulumi from %s (has `npm ci` been run?): %v", dir, err)
		}
		args = append(args, script, dir)
		args = append(args, req.GetArgs()...)
	}

	env := append(os.Environ(), req.GetEnv()...)
	env = append(env, "PULUMI_NODEJS_TYPESCRIPT="+strconv.FormatBool(opts.typescript))
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+filepath.Clean(opts.tsconfig))
	}

	out := &streamWriter{stream: stream}
	cmd := exec.CommandContext(ctx, h.node, args...)
	// The plugin's own folder, not the engine's Pwd (the program's folder): a PolicyPack reads the
	// package.json of its working directory for its version.
	cmd.Dir = dir
	cmd.Env = h.children.env(env)
	cmd.Stdout = out.writer(false)
	cmd.Stderr = out.writer(true)
	code := int32(0)
	if err := h.children.run(cmd); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return status.Errorf(codes.Internal, "could not run node: %v", err)
		}
		code = int32(exitErr.ExitCode())
	}
	return out.send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: code}})
}

// streamWriter serialises the plugin's stdout and stderr onto one gRPC stream.
type streamWriter struct {
	mu     sync.Mutex
	stream grpc.ServerStreamingServer[pulumirpc.RunPluginResponse]
}

func (s *streamWriter) send(msg *pulumirpc.RunPluginResponse) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stream.Send(msg)
}

func (s *streamWriter) writer(stderr bool) io.Writer {
	return writerFunc(func(p []byte) (int, error) {
		b := append([]byte(nil), p...)
		msg := &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}}
		if stderr {
			msg = &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}}
		}
		if err := s.send(msg); err != nil {
			return 0, err
		}
		return len(p), nil
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// resolve finds where `request` (a path inside a package, such as @pulumi/pulumi/cmd/run) resolves
// from dir, as the program's own require would: in the nearest node_modules that has it, as a .js
// file or a directory's index.js, symlinks resolved. Only when none has it is node asked (one process
// start, about 0.2 s, which the common case saves twice per `pulumi up`), so that the error is node's.
func (h *host) resolve(ctx context.Context, dir, request string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		base := filepath.Join(d, "node_modules", filepath.FromSlash(request))
		for _, candidate := range []string{base + ".js", filepath.Join(base, "index.js")} {
			if info, err := os.Stat(candidate); err == nil && info.Mode().IsRegular() {
				return filepath.EvalSymlinks(candidate)
			}
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	cmd := exec.CommandContext(ctx, h.node, "-e",
		"process.stdout.write(require.resolve(process.argv[1], {paths: [process.argv[2]]}))", request, dir)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

// programEntry is the program argument cmd/run expects: "." (package.json main, or index) or a path.
func programEntry(req *pulumirpc.RunRequest) string {
	if info := req.GetInfo(); info != nil && info.GetEntryPoint() != "" {
		return info.GetEntryPoint()
	}
	if p := req.GetProgram(); p != "" {
		return p
	}
	return "."
}

// options are the `runtime.options` of Pulumi.yaml this host honours.
type options struct {
	typescript bool     // default true, as upstream: ts-node is loaded for .ts programs
	tsconfig   string   // PULUMI_NODEJS_TSCONFIG_PATH
	nodeArgs   []string // extra arguments for node itself
}

func runtimeOptions(info *pulumirpc.ProgramInfo) options {
	o := options{typescript: true}
	if info == nil || info.GetOptions() == nil {
		return o
	}
	fields := info.GetOptions().GetFields()
	if v, ok := fields["typescript"]; ok {
		o.typescript = v.GetBoolValue()
	}
	if v, ok := fields["tsconfig"]; ok {
		o.tsconfig = v.GetStringValue()
	}
	if v, ok := fields["nodeargs"]; ok {
		o.nodeArgs = strings.Fields(v.GetStringValue())
	}
	return o
}

// programEnv passes config the way @pulumi/pulumi reads it: PULUMI_CONFIG is a JSON object of
// "<namespace>:<key>" to string value, PULUMI_CONFIG_SECRET_KEYS a JSON array of the secret keys.
func programEnv(req *pulumirpc.RunRequest, o options) ([]string, error) {
	cfg := req.GetConfig()
	if cfg == nil {
		cfg = map[string]string{}
	}
	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(cfgJSON),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretJSON),
		"PULUMI_NODEJS_TYPESCRIPT="+strconv.FormatBool(o.typescript),
	)
	if o.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+filepath.Clean(o.tsconfig))
	}
	return env, nil
}

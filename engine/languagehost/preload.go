// Preloads: Node scripts that scripts/engine.sh installs next to the host and that every node
// process the host starts loads first (`node --require`), each only when it is installed.
package main

import (
	"os"
	"path/filepath"
)

// compileCacheFile is scripts/engine/node-compile-cache.js: V8's code cache of the modules a node
// process compiles, kept across processes, so that the program's start for the update, after the
// one for the preview, compiles little of @pulumi/pulumi and TypeScript again.
const compileCacheFile = "node-compile-cache.js"

// preloadFiles are loaded in this order: the watchdog first (lifetime.go), so that it runs even
// when a later preload fails.
var preloadFiles = []string{watchdogFile, compileCacheFile}

// installedPreloads returns the `--require <path>` arguments of the preloads installed next to the
// host's executable.
func installedPreloads() []string {
	exe, err := os.Executable()
	if err != nil {
		return nil
	}
	var args []string
	for _, name := range preloadFiles {
		path := filepath.Join(filepath.Dir(exe), name)
		if _, err := os.Stat(path); err == nil {
			args = append(args, "--require", path)
		}
	}
	return args
}

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// replaceDir writes files into a fresh sibling of outDir and then swaps it into place, so outDir
// ends up holding exactly the generated files (never a half-written mix). It refuses an outDir
// that holds the schema or the current directory, which it would otherwise delete.
func replaceDir(outDir string, files map[string][]byte, schemaPath string) error {
	out, err := filepath.Abs(outDir)
	if err != nil {
		return err
	}
	for _, keep := range []string{schemaPath, "."} {
		abs, err := filepath.Abs(keep)
		if err != nil {
			return err
		}
		if abs == out || strings.HasPrefix(abs, out+string(filepath.Separator)) {
			return fmt.Errorf("refusing to replace %s: it contains %s", out, abs)
		}
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	staging, err := os.MkdirTemp(filepath.Dir(out), "."+filepath.Base(out)+".new-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(staging)
	for name, data := range files {
		path := filepath.Join(staging, filepath.FromSlash(name))
		if !strings.HasPrefix(path, staging+string(filepath.Separator)) {
			return fmt.Errorf("generated file %q is outside the SDK folder", name)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
	if err := os.Chmod(staging, 0o755); err != nil {
		return err
	}
	old := staging + ".old"
	if err := os.Rename(out, old); err != nil && !os.IsNotExist(err) {
		return err
	}
	if err := os.Rename(staging, out); err != nil {
		_ = os.Rename(old, out) // put the previous SDK back
		return err
	}
	return os.RemoveAll(old)
}

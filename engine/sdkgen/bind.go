package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/blang/semver"
	"github.com/hashicorp/hcl/v2"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// bindSchemaFile reads a package schema and binds it the way `pulumi package gen-sdk` does
// (schema.BindSpec, which also validates it against Pulumi's metaschema). A non-empty version
// replaces the schema's own.
func bindSchemaFile(path, version string) (*schema.Package, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	if version != "" {
		if _, err := semver.Parse(version); err != nil {
			return nil, fmt.Errorf("invalid -version %q: %w", version, err)
		}
		spec.Version = version
	}
	pkg, diags, err := schema.BindSpec(spec, noOtherPackages{}, schema.ValidationOptions{})
	if err != nil {
		return nil, fmt.Errorf("bind %s: %w", path, err)
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("schema %s is invalid:\n%s", path, listDiagnostics(diags))
	}
	if len(diags) > 0 {
		fmt.Fprintf(os.Stderr, "%s: warnings for %s:\n%s\n", toolName, path, listDiagnostics(diags))
	}
	return pkg, nil
}

// listDiagnostics puts each diagnostic on its own line (hcl.Diagnostics.Error() shows only the first).
func listDiagnostics(diags hcl.Diagnostics) string {
	lines := make([]string, 0, len(diags))
	for _, d := range diags {
		line := "  " + d.Summary
		if d.Detail != "" {
			line += ": " + d.Detail
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// versionOf prints a package's version, or "(no version)".
func versionOf(pkg *schema.Package) string {
	if pkg.Version == nil {
		return "(no version)"
	}
	return pkg.Version.String()
}

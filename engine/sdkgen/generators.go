package main

import (
	"sort"
	"strings"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// generator turns a bound package into the SDK's files (path relative to the SDK root -> content).
type generator func(pkg *schema.Package) (map[string][]byte, error)

// generators calls each upstream generator the way its language host's GeneratePackage does,
// with no extra files, no local dependencies and a published (not "local") SDK.
var generators = map[string]generator{
	"nodejs": func(pkg *schema.Package) (map[string][]byte, error) {
		return nodejs.GeneratePackage(toolName, pkg, nil, nil, false, noOtherPackages{})
	},
	"python": func(pkg *schema.Package) (map[string][]byte, error) {
		return python.GeneratePackage(toolName, pkg, nil, noOtherPackages{})
	},
	"go": func(pkg *schema.Package) (map[string][]byte, error) {
		return gogen.GeneratePackage(toolName, pkg, nil)
	},
}

// languageList is "go|nodejs|python".
func languageList() string {
	names := make([]string, 0, len(generators))
	for name := range generators {
		names = append(names, name)
	}
	sort.Strings(names)
	return strings.Join(names, "|")
}

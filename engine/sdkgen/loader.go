package main

import (
	"context"
	"fmt"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// noOtherPackages is the schema loader for a self-contained package: the binder and the
// generators ask a loader only for packages that the schema references (`$ref` to another
// package's types, `dependencies`), and loading those would start their provider plugins.
// This project's schema references none, so any such request is an error that names the package.
type noOtherPackages struct{}

var _ schema.ReferenceLoader = noOtherPackages{}

func (noOtherPackages) refuse(name string) error {
	return fmt.Errorf("the schema references package %q; %s generates self-contained packages only", name, toolName)
}

func (l noOtherPackages) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, l.refuse(pkg)
}

func (l noOtherPackages) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, l.refuse(d.String())
}

func (l noOtherPackages) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, l.refuse(pkg)
}

func (l noOtherPackages) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, l.refuse(d.String())
}

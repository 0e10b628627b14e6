package main

import (
	"github.com/pulumi-cinder-attachment/pulumi-cinder/sdks/go/cinder"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// attach is the Pulumi program: one volume attachment on the Go SDK (sdks/go/cinder), declared from
// the stack config. Without `initiator` it only reserves the volume for `instanceUuid`; with it, it
// connects the host, an in-place update of the same attachment.
//
// Stack config: volume (required), instanceUuid, initiator, hostIp, host; cinder:* for the provider.
func attach(ctx *pulumi.Context) error {
	conf := config.New(ctx, "")
	args := &cinder.VolumeAttachmentArgs{VolumeId: pulumi.String(conf.Require("volume"))}
	if instance := conf.Get("instanceUuid"); instance != "" {
		args.InstanceUuid = pulumi.String(instance)
	}
	if initiator := conf.Get("initiator"); initiator != "" {
		args.Connector = cinder.ConnectorArgs{
			Initiator: pulumi.String(initiator),
			Ip:        pulumi.String(conf.Require("hostIp")),
			Host:      pulumi.String(conf.Require("host")),
		}
	}
	attachment, err := cinder.NewVolumeAttachment(ctx, "data", args)
	if err != nil {
		return err
	}
	ctx.Export("attachmentId", attachment.AttachmentId)
	ctx.Export("status", attachment.Status)
	ctx.Export("targetIqn", attachment.ConnectionInfo.MapIndex(pulumi.String("target_iqn")))
	// Secret, because `credentials` is (the schema marks it so).
	ctx.Export("chapPassword", attachment.Credentials.MapIndex(pulumi.String("auth_password")))
	return nil
}

"""One Cinder volume attachment on the resource plugin, in Python on the generated SDK (pulumi_cinder).

Without a connector the attachment only reserves the volume (status ``reserved``); adding the
connector later connects the same attachment, an in-place update.

Stack config (project ``python-attach``):
  volume        required: the volume's ID (or a name exactly one volume has)
  instanceUuid  optional: the instance the volume is for (required to reserve without a connector)
  initiator     optional: the host's iSCSI initiator; with it, hostIp and host make the connector
  cinder:*      where Cinder is (cinder:endpoint, cinder:authType, ...)
"""

import pulumi
import pulumi_cinder as cinder


def program() -> None:
    """Declares the attachment and exports its id, status and CHAP password (a secret)."""
    config = pulumi.Config()
    initiator = config.get("initiator")
    connector = (
        cinder.ConnectorArgs(initiator=initiator, ip=config.get("hostIp"), host=config.get("host"))
        if initiator
        else None
    )
    attachment = cinder.VolumeAttachment(
        "data",
        volume_id=config.require("volume"),
        instance_uuid=config.get("instanceUuid"),
        connector=connector,
    )
    pulumi.export("attachmentId", attachment.attachment_id)
    pulumi.export("status", attachment.status)
    # Secret, because `credentials` is (the schema marks it so).
    pulumi.export("chapPassword", attachment.credentials.apply(lambda c: (c or {}).get("auth_password")))

/**
 * `pulumi up` with the policy pack against the real local Cinder: an advisory violation warns and the
 * update proceeds, and the stack policies run over the real outputs (connection credentials included)
 * without a violation, because the credentials output is stored as a secret. Needs the local stack
 * (`npm run stack -- start`); the stack and the test volume are destroyed afterwards.
 */
import * as fs from "node:fs/promises";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import type { EngineEvent, PolicyEvent } from "@pulumi/pulumi/automation";
import { getAttachment } from "../../provider/src/cinder/attachments";
import { multipathRequired } from "../../policy/policies";
import { VolumeAttachment } from "../../sdk";
import { stackEnv } from "../support/stack";
import { repoRoot, stackStatePath, withStack } from "./support/engine";
import { cinderSuite } from "./support/lifecycle";

jest.setTimeout(240_000);

const TYPE = "pulumi-nodejs:dynamic/cinder:VolumeAttachment";
const suite = cinderSuite("policy-e2e");

/** A secret as the engine stores it in a checkpoint. */
interface StoredSecret {
  "4dabf18193072939515e22adb298388d": string;
  ciphertext?: string;
}

test("up with the pack: an advisory violation warns, the attachment is created, and credentials stay secret in the state", async () => {
  const volume = await suite.createVolume();
  const program = async (): Promise<Record<string, pulumi.Output<string>>> => {
    const attachment = new VolumeAttachment("data", {
      volumeId: volume.id,
      instanceUuid: "6f0c7c0e-3a52-4b8e-9d0e-2a1f4c5b6d7e",
      // multipath left out: the advisory cinder-multipath-required policy warns about it.
      connector: { host: "policy-host", initiator: "iqn.1993-08.org.debian:01:policy-host", ip: "127.0.0.1" },
    });
    return { attachmentId: attachment.attachmentId, status: attachment.status };
  };
  const config = {
    "cinder:endpoint": { value: stackEnv().CINDER_ENDPOINT ?? "" },
    "cinder:noauthServiceRoles": { value: "service" },
  };
  await withStack(
    "policy-up",
    program,
    async (s) => {
      const events: PolicyEvent[] = [];
      const onEvent = (event: EngineEvent): void => {
        if (event.policyEvent) events.push(event.policyEvent);
      };
      const result = await s.up({ policyPacks: [path.join(repoRoot, "policy")], onEvent });

      expect(result.summary.result).toBe("succeeded");
      expect(result.outputs["status"]?.value).toBe("attached");
      // Only the advisory warning: the stack policies (credentials, sharing) saw the real outputs and passed.
      expect(events).toEqual([
        expect.objectContaining({
          policyName: "cinder-multipath-required",
          enforcementLevel: "advisory",
          resourceUrn: `urn:pulumi:${s.name}::cinder-e2e::${TYPE}::data`,
          message: `${multipathRequired.description}\nVolumeAttachment "data": connector.multipath is false: multipath is required for every connector. Fix: set connector.multipath: true (and run multipathd on the host).\n`,
        }),
      ]);
      expect(result.stdout).toContain(`[advisory]  cinder-multipath-required  (${TYPE}: data)`);

      // What the credentials policy relies on: the engine encrypts the output named in additionalSecretOutputs.
      const attachmentId = String(result.outputs["attachmentId"]?.value);
      const password = (await getAttachment(suite.cinder.client, attachmentId)).connectionInfo?.["auth_password"];
      expect(typeof password).toBe("string");
      const checkpointText = await fs.readFile(stackStatePath("cinder-e2e", s.name), "utf8");
      const checkpoint = JSON.parse(checkpointText) as {
        checkpoint: { latest: { resources: { type: string; outputs?: Record<string, unknown> }[] } };
      };
      const stored = checkpoint.checkpoint.latest.resources.find((r) => r.type === TYPE);
      const credentials = stored?.outputs?.["credentials"] as StoredSecret | undefined;
      expect(credentials?.["4dabf18193072939515e22adb298388d"]).toBe("1b47061264138c4ac30d75fd1eb44270");
      expect(credentials?.ciphertext).toEqual(expect.any(String));
      expect(checkpointText).not.toContain(String(password));
    },
    { config },
  );
});

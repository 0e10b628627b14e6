/**
 * The policy pack (policy/) through the real engine: previews of inline programs with the pack
 * (`policyPacks`/`policyPackConfigs` of the Automation API), and the CLI's `pulumi preview --policy-pack`
 * in a project folder. Previews create nothing in Cinder; policy.up.test.ts covers `up`.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import type { PolicyPackConfig } from "@pulumi/policy";
import type * as pulumi from "@pulumi/pulumi";
import type { EngineEvent, PolicyEvent } from "@pulumi/pulumi/automation";
import { VolumeAttachment, type VolumeAttachmentArgs } from "../../sdk";
import {
  credentialsStaySecret,
  fullAttachNamesInstance,
  sharedVolumeReadOnly,
  singleAttachmentPerVolume,
} from "../../policy/policies";
import { type TestStack, engineEnv, getEngine, repoRoot, uniqueStackName, withStack } from "./support/engine";

jest.setTimeout(180_000);

const POLICY_PACK = path.join(repoRoot, "policy");
const TYPE = "pulumi-nodejs:dynamic/cinder:VolumeAttachment";
const VOLUME = "5f6d1e9c-4b7f-4c55-a6a3-0a9e8f3b8c21";
const INSTANCE = "83ec2e3b-4321-422b-8706-a84185f52a0a";
const SECOND_INSTANCE = "83ec2e3b-4321-422b-8706-a84185f52a0b";

let configDir: string;
beforeAll(async () => {
  configDir = await fs.mkdtemp(path.join(os.tmpdir(), "policy-e2e-"));
});
afterAll(async () => {
  await fs.rm(configDir, { recursive: true, force: true });
});

/** A full attach that complies with every default of the pack, with overrides. */
function attachArgs(host: string, overrides: Partial<VolumeAttachmentArgs> = {}): VolumeAttachmentArgs {
  return {
    volumeId: VOLUME,
    instanceUuid: INSTANCE,
    connector: { host, initiator: `iqn.1993-08.org.debian:01:${host}`, ip: "192.0.2.10", multipath: true },
    ...overrides,
  };
}

/** An inline program declaring the given attachments. */
function program(attachments: Record<string, VolumeAttachmentArgs>, opts?: pulumi.CustomResourceOptions) {
  return async (): Promise<Record<string, pulumi.Output<string>>> => {
    const outputs: Record<string, pulumi.Output<string>> = {};
    for (const [name, args] of Object.entries(attachments)) {
      outputs[name] = new VolumeAttachment(name, args, opts).id;
    }
    return outputs;
  };
}

/** What a preview with the pack did: whether it passed, the policy events, and the CLI's output. */
interface PolicyPreview {
  passed: boolean;
  events: PolicyEvent[];
  output: string;
}

let configFiles = 0;

/** `pulumi preview --policy-pack policy [--policy-pack-config <file>]` through the Automation API. */
async function previewWithPack(stack: TestStack, config?: PolicyPackConfig): Promise<PolicyPreview> {
  const policyPackConfigs: string[] = [];
  if (config) {
    const file = path.join(configDir, `config-${++configFiles}.json`);
    await fs.writeFile(file, JSON.stringify(config));
    policyPackConfigs.push(file);
  }
  const events: PolicyEvent[] = [];
  const onEvent = (event: EngineEvent): void => {
    if (event.policyEvent) events.push(event.policyEvent);
  };
  const attempt = async (): Promise<PolicyPreview> => {
    events.length = 0;
    try {
      const result = await stack.preview({ policyPacks: [POLICY_PACK], policyPackConfigs, onEvent });
      return { passed: true, events, output: result.stdout };
    } catch (err) {
      return { passed: false, events, output: String(err) };
    }
  };
  const first = await attempt();
  if (first.passed || first.events.length > 0) return first;
  // A preview that failed before any policy ran failed in the engine, not in the pack: seen once
  // under a loaded CI run and never alone. It is shown, and the preview is run once more (a preview
  // changes nothing); a second failure is the test's failure.
  console.warn(`preview failed before any policy event; running it once more. The failure:\n${first.output}`);
  return attempt();
}

/** The policy event text: the server prints the policy's description, then the violation message. */
function eventText(description: string, message: string): string {
  return `${description}\n${message}\n`;
}

function urn(stack: TestStack, name: string): string {
  return `urn:pulumi:${stack.name}::cinder-e2e::${TYPE}::${name}`;
}

test("a mandatory policy blocks the preview with its exact message; config marks the host external, or makes the policy advisory", async () => {
  const bareMetal = program({ bm: attachArgs("bm-7", { instanceUuid: undefined }) });
  await withStack("policy-mandatory", bareMetal, async (s) => {
    const message =
      'VolumeAttachment "bm": instanceUuid is (not set): a full attach to connector.host "bm-7" must name the instance it is for, and that host is not marked external (external hosts: (none)). ' +
      'Fix: set instanceUuid to the server\'s UUID, or, for a host outside Nova, add "bm-7" to externalHosts (or externalHostPatterns) in the cinder-full-attach-names-instance policy config.';

    const blocked = await previewWithPack(s);
    expect(blocked.passed).toBe(false);
    expect(blocked.events).toEqual([
      expect.objectContaining({
        policyName: "cinder-full-attach-names-instance",
        policyPackName: "cinder-volume-attachments",
        enforcementLevel: "mandatory",
        resourceUrn: urn(s, "bm"),
        message: eventText(fullAttachNamesInstance.description, message),
      }),
    ]);
    // The engine matched the pack's validateResourceOfType(VolumeAttachment) to the resource's type token.
    expect(blocked.output).toContain(`[mandatory]  cinder-full-attach-names-instance  (${TYPE}: bm)`);
    expect(blocked.output).toContain(message);

    const external = await previewWithPack(s, { "cinder-full-attach-names-instance": { externalHosts: ["bm-7"] } });
    expect(external.events).toEqual([]);
    expect(external.passed ? "" : external.output).toBe(""); // the engine's output when the preview failed

    const advisory = await previewWithPack(s, { "cinder-full-attach-names-instance": "advisory" });
    expect(advisory.passed ? "" : advisory.output).toBe(""); // the engine's output when the preview failed
    expect(advisory.events).toEqual([
      expect.objectContaining({
        policyName: "cinder-full-attach-names-instance",
        enforcementLevel: "advisory",
        message: eventText(fullAttachNamesInstance.description, message),
      }),
    ]);
  });
});

test("stack policies block two read-write attachments of one volume until config lists it as multiattach and writable", async () => {
  // Two instances on two hosts: one instance twice is what cinder-one-attachment-per-instance blocks.
  const shared = program({ a: attachArgs("compute-1"), b: attachArgs("compute-2", { instanceUuid: SECOND_INSTANCE }) });
  await withStack("policy-shared", shared, async (s) => {
    const blocked = await previewWithPack(s);
    expect(blocked.passed).toBe(false);
    const seen = (policy: string) =>
      blocked.events
        .filter((e) => e.policyName === policy)
        .map((e) => [e.enforcementLevel, e.resourceUrn])
        .sort();
    expect(seen("cinder-single-attachment-per-volume")).toEqual([
      ["mandatory", urn(s, "a")],
      ["mandatory", urn(s, "b")],
    ]);
    expect(seen("cinder-shared-volume-read-only")).toEqual([
      ["mandatory", urn(s, "a")],
      ["mandatory", urn(s, "b")],
    ]);
    const single = blocked.events.find(
      (e) => e.policyName === "cinder-single-attachment-per-volume" && e.resourceUrn === urn(s, "b"),
    );
    expect(single?.message).toBe(
      eventText(
        singleAttachmentPerVolume.description,
        `VolumeAttachment "b": volumeId is "${VOLUME}": 2 attachments in this stack ("a", "b") target this volume, which is not listed as multiattach, and Cinder refuses a second attachment of a volume without multiattach. ` +
          "Fix: attach the volume once, or give it a multiattach volume type and add it to multiattachVolumes in the cinder-single-attachment-per-volume policy config.",
      ),
    );
    const readOnly = blocked.events.find(
      (e) => e.policyName === "cinder-shared-volume-read-only" && e.resourceUrn === urn(s, "a"),
    );
    expect(readOnly?.message).toBe(
      eventText(
        sharedVolumeReadOnly.description,
        `VolumeAttachment "a": mode is (not set, so "rw"): volume "${VOLUME}" is attached to 2 hosts in this stack ("compute-1" by "a", "compute-2" by "b"), and a volume shared between hosts is attached read-only unless a cluster filesystem coordinates writes. ` +
          `Fix: set mode: "ro" on every attachment of "${VOLUME}", or add the volume to allowWritableVolumes in the cinder-shared-volume-read-only policy config.`,
      ),
    );

    const allowed = await previewWithPack(s, {
      "cinder-single-attachment-per-volume": { multiattachVolumes: [VOLUME] },
      "cinder-shared-volume-read-only": { allowWritableVolumes: [VOLUME] },
    });
    expect(allowed.events).toEqual([]);
    expect(allowed.passed ? "" : allowed.output).toBe(""); // the engine's output when the preview failed
  });
});

test("a transform that drops credentials from additionalSecretOutputs is blocked by the credentials policy", async () => {
  const dropSecretOutputs: pulumi.ResourceTransform = (args) => ({
    props: args.props,
    opts: { ...args.opts, additionalSecretOutputs: [] },
  });
  const leaky = program({ leaky: attachArgs("compute-1") }, { transforms: [dropSecretOutputs] });
  await withStack("policy-secret", leaky, async (s) => {
    const preview = await previewWithPack(s);
    expect(preview.passed).toBe(false);
    expect(preview.events).toEqual([
      expect.objectContaining({
        policyName: "cinder-credentials-stay-secret",
        enforcementLevel: "mandatory",
        resourceUrn: urn(s, "leaky"),
        message: eventText(
          credentialsStaySecret.description,
          'VolumeAttachment "leaky": additionalSecretOutputs is []: it lacks "credentials", so the engine stores the connection credentials (auth_username, auth_password, ...) in plain text in the state. ' +
            'Fix: keep "credentials" in additionalSecretOutputs: do not remove it with a transform, and create attachments with the VolumeAttachment class.',
        ),
      }),
    ]);
  });
});

/** Runs the CLI in `cwd` with the e2e engine environment; resolves with exit code and combined output. */
function cli(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return getEngine().then(
    (engine) =>
      new Promise((resolve) => {
        execFile(
          engine.pulumi,
          args,
          { cwd, env: { ...process.env, ...engineEnv() }, maxBuffer: 16 * 1024 * 1024 },
          (err, stdout, stderr) => {
            const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
            resolve({ code, output: `${stdout}\n${stderr}` });
          },
        );
      }),
  );
}

test("the CLI previews a compliant program with --policy-pack cleanly, and --policy-pack-config changes the outcome", async () => {
  const projectDir = path.join(repoRoot, "test", "e2e", "programs", "policy-cli");
  const stack = uniqueStackName("policy-cli");
  const init = await cli(["stack", "init", stack, "--non-interactive"], projectDir);
  expect(init).toMatchObject({ code: 0 });
  try {
    const ok = await cli(
      ["preview", "--stack", stack, "--policy-pack", POLICY_PACK, "--non-interactive", "--color", "never"],
      projectDir,
    );
    expect(ok.output).toContain("cinder-volume-attachments@v0.1.0");
    expect(ok.output).not.toMatch(/\[(mandatory|advisory)\]/);
    expect(ok.code).toBe(0);

    const configFile = path.join(configDir, "cli-allowed-hosts.json");
    await fs.writeFile(
      configFile,
      JSON.stringify({ "cinder-allowed-connector-hosts": { allowedHosts: ["compute-9"] } }),
    );
    const blocked = await cli(
      [
        "preview",
        "--stack",
        stack,
        "--policy-pack",
        POLICY_PACK,
        "--policy-pack-config",
        configFile,
        "--non-interactive",
        "--color",
        "never",
      ],
      projectDir,
    );
    expect(blocked.code).not.toBe(0);
    expect(blocked.output).toContain(`[mandatory]  cinder-allowed-connector-hosts  (${TYPE}: data)`);
    expect(blocked.output).toContain(
      'VolumeAttachment "data": connector.host is "compute-1": not an allowed host (allowed: "compute-9").',
    );
  } finally {
    await cli(["stack", "rm", stack, "--yes", "--force", "--non-interactive"], projectDir);
  }
});

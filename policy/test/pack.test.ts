import { readFileSync } from "node:fs";
import * as path from "node:path";
import { type Policy, type PolicyConfigSchema } from "@pulumi/policy";
import { VolumeAttachment } from "../../sdk/volumeAttachment";
import { PLUGIN_VOLUME_ATTACHMENT_TYPE, VOLUME_ATTACHMENT_TYPE, policies } from "../policies";
import * as common from "../policies/common";

test("the pack matches the SDK's type token", () => {
  expect(VOLUME_ATTACHMENT_TYPE).toBe("pulumi-nodejs:dynamic/cinder:VolumeAttachment");
  expect(VolumeAttachment.__pulumiType).toBe(VOLUME_ATTACHMENT_TYPE);
});

test("the plugin's type token is the resource the package schema declares, with credentials secret", () => {
  // credentials secret in the schema is what makes generated SDKs and the YAML host list it in
  // additionalSecretOutputs, which cinder-credentials-stay-secret checks on both types.
  const file = path.join(__dirname, "..", "..", "provider", "cmd", "pulumi-resource-cinder", "schema.json");
  const schema = JSON.parse(readFileSync(file, "utf8")) as {
    resources: Record<string, { properties: Record<string, { secret?: boolean }> }>;
  };
  expect(Object.keys(schema.resources)).toEqual([PLUGIN_VOLUME_ATTACHMENT_TYPE]);
  expect(schema.resources[PLUGIN_VOLUME_ATTACHMENT_TYPE]?.properties["credentials"]?.secret).toBe(true);
});

test("every policy has a unique cinder- name, a description and a default enforcement level", () => {
  const names = policies.map((p: Policy) => p.name);
  expect(new Set(names).size).toBe(names.length);
  for (const policy of policies) {
    expect(policy.name).toMatch(/^cinder-[a-z-]+$/);
    expect(policy.description.length).toBeGreaterThan(20);
    expect(["advisory", "mandatory"]).toContain(policy.enforcementLevel);
  }
});

test("the default enforcement levels are the documented ones", () => {
  expect(Object.fromEntries(policies.map((p: Policy) => [p.name, p.enforcementLevel]))).toEqual({
    "cinder-allowed-connector-hosts": "mandatory",
    "cinder-shared-volume-read-only": "mandatory",
    "cinder-multipath-required": "advisory",
    "cinder-full-attach-names-instance": "mandatory",
    "cinder-single-attachment-per-volume": "mandatory",
    "cinder-one-attachment-per-instance": "mandatory",
    "cinder-credentials-stay-secret": "mandatory",
    "cinder-incomplete-attachment": "advisory",
    "cinder-mountpoint": "advisory",
    "cinder-volume-by-id": "advisory",
    "cinder-protected-volumes": "mandatory",
  });
});

test("every config property has a type, a description and a default, and none is enforcementLevel", () => {
  for (const policy of policies) {
    const schema: PolicyConfigSchema | undefined = policy.configSchema;
    for (const [key, property] of Object.entries(schema?.properties ?? {})) {
      expect(key).not.toBe("enforcementLevel");
      expect(property.type).toBeDefined();
      expect(property.description?.length).toBeGreaterThan(10);
      expect(property.default).toBeDefined();
    }
  }
});

test("violation messages name the resource, the property, the value and the fix", () => {
  expect(
    common.message({ resource: "r", property: "connector.host", found: common.show("h"), problem: "p", fix: "f" }),
  ).toBe('VolumeAttachment "r": connector.host is "h": p. Fix: f.');
  expect(common.show(undefined)).toBe("(not set)");
});

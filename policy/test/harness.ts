/**
 * Runs one policy of the pack the way `@pulumi/policy`'s analyzer server does, without an engine:
 * props behind the unknown-checking proxy, `getConfig` from a config object, `notApplicable` and
 * unknown values caught and reported. The same idea as pulumi-policy's `tests/util.ts runResourcePolicy`.
 */
import {
  type PolicyResource,
  type PolicyResourceOptions,
  type ResourceValidation,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type StackValidationArgs,
  type StackValidationPolicy,
} from "@pulumi/policy";
import type { Resource } from "@pulumi/pulumi";
import { VOLUME_ATTACHMENT_TYPE, isUnknownValueError, policyInternals } from "../policies/common";

/** The value the engine passes for a string not known until the update (preview). */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A resource handed to a policy. */
export interface FakeResource {
  /** Name in the program; default "att". */
  name?: string;
  /** Type token; default the dynamic VolumeAttachment's. */
  type?: string;
  /** Inputs (resource policies) or outputs (stack policies). */
  props: Record<string, unknown>;
  /** Options; `additionalSecretOutputs` defaults to `["credentials"]`, as the SDK sets it. */
  opts?: Partial<PolicyResourceOptions>;
}

/** What one policy said about the resource(s). */
export interface PolicyRun {
  /** Messages passed to `reportViolation` (without the description the server prepends). */
  messages: string[];
  /** URNs passed with them (stack policies). */
  urns: (string | undefined)[];
  /** Set when the policy called `notApplicable` (or the type filter did). */
  notApplicable?: string;
  /** Set when the policy read a value unknown in a preview (the server turns it into an advisory note). */
  unknown?: string;
}

class NotApplicable extends Error {}

function urnOf(resource: FakeResource): string {
  return `urn:pulumi:test::policy::${resource.type ?? VOLUME_ATTACHMENT_TYPE}::${resource.name ?? "att"}`;
}

function optionsOf(resource: FakeResource): PolicyResourceOptions {
  return {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: ["credentials"],
    ...resource.opts,
  };
}

/** Props as the server builds them: undefined-valued keys dropped, behind the unknown-checking proxy. */
function propsOf(resource: FakeResource): Record<string, unknown> {
  const defined = Object.fromEntries(Object.entries(resource.props).filter(([, v]) => v !== undefined));
  return policyInternals.unknownCheckingProxy(defined);
}

/** Same check as the server's `isTypeOf`: a static `__pulumiType`, else `isInstance`. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
  const declared = (resourceClass as { __pulumiType?: unknown }).__pulumiType;
  if (typeof declared === "string" && declared.length > 0) return declared === type;
  const isInstance = (resourceClass as { isInstance?: unknown }).isInstance;
  return typeof isInstance === "function" && (isInstance as (obj: unknown) => boolean)({ __pulumiType: type });
}

function getConfigFrom(config: object) {
  return <T extends object>(): T => config as T;
}

const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason ?? "Policy does not apply");
};

async function collect(run: PolicyRun, validate: () => Promise<void> | void): Promise<PolicyRun> {
  try {
    await validate();
  } catch (err) {
    if (err instanceof NotApplicable) {
      run.notApplicable = err.message;
    } else if (isUnknownValueError(err)) {
      run.unknown = (err as Error).message;
    } else {
      throw err;
    }
  }
  return run;
}

/**
 * Runs a resource policy's validations against one resource with `config` as the policy's config.
 * Like the server, a validation tagged with a type (`validateResourceOfType`) is not applicable to others.
 */
export async function runResourcePolicy(
  policy: ResourceValidationPolicy,
  resource: FakeResource,
  config: object = {},
): Promise<PolicyRun> {
  const run: PolicyRun = { messages: [], urns: [] };
  const validations: ResourceValidation[] = Array.isArray(policy.validateResource)
    ? policy.validateResource
    : policy.validateResource
      ? [policy.validateResource]
      : [];
  const type = resource.type ?? VOLUME_ATTACHMENT_TYPE;
  return collect(run, async () => {
    for (const validation of validations) {
      const tagged = (validation as { __pulumiType?: unknown }).__pulumiType;
      if (typeof tagged === "string" && tagged !== type) {
        notApplicable(`Policy only applies to resources of type '${tagged}'`);
      }
      const props = propsOf(resource);
      const args: ResourceValidationArgs = {
        type,
        props,
        urn: urnOf(resource),
        name: resource.name ?? "att",
        opts: optionsOf(resource),
        stackTags: new Map(),
        isType: (resourceClass) => isTypeOf(type, resourceClass),
        asType: <TResource extends Resource, TArgs>(resourceClass: {
          new (name: string, args: TArgs, ...rest: never[]): TResource;
        }) => (isTypeOf(type, resourceClass) ? (props as never) : undefined),
        getConfig: getConfigFrom(config),
        notApplicable,
      };
      await validation(args, (message, urn) => {
        run.messages.push(message);
        run.urns.push(urn);
      });
    }
  });
}

/** Runs a stack policy over `resources` (their props being outputs) with `config` as the policy's config. */
export async function runStackPolicy(
  policy: StackValidationPolicy,
  resources: FakeResource[],
  config: object = {},
): Promise<PolicyRun> {
  const run: PolicyRun = { messages: [], urns: [] };
  const policyResources: PolicyResource[] = resources.map((resource) => {
    const type = resource.type ?? VOLUME_ATTACHMENT_TYPE;
    return {
      type,
      props: propsOf(resource),
      urn: urnOf(resource),
      name: resource.name ?? "att",
      opts: optionsOf(resource),
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass) => isTypeOf(type, resourceClass),
      asType: (resourceClass) => (isTypeOf(type, resourceClass) ? (propsOf(resource) as never) : undefined),
    };
  });
  const args: StackValidationArgs = {
    resources: policyResources,
    stackTags: new Map(),
    getConfig: getConfigFrom(config),
    notApplicable,
  };
  return collect(run, () =>
    policy.validateStack(args, (message, urn) => {
      run.messages.push(message);
      run.urns.push(urn);
    }),
  );
}

/** The URN {@link runResourcePolicy}/{@link runStackPolicy} give a resource named `name` of `type` (default the VolumeAttachment's). */
export function attachmentUrn(name: string, type?: string): string {
  return urnOf({ name, type, props: {} });
}

/** Checked inputs of a full attach to `host` (what the engine hands a resource policy), with overrides. */
export function fullAttach(host: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    volumeId: "5f6d1e9c-4b7f-4c55-a6a3-0a9e8f3b8c21",
    instanceUuid: "83ec2e3b-4321-422b-8706-a84185f52a0a",
    complete: true,
    connector: {
      host,
      initiator: `iqn.1993-08.org.debian:01:${host}`,
      ip: "192.0.2.10",
      platform: "x86_64",
      osType: "linux2",
      multipath: true,
      mountpoint: "/dev/vdb",
    },
    ...overrides,
  };
}

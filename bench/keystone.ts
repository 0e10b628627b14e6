/**
 * Part 3: token requests with Keystone, counted at a recording proxy in front of Keystone (the
 * provider's own KeystoneSession counter is not trusted for this). The provider should ask for one
 * token per identity per process, however many operations it runs, concurrent first calls included.
 */
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { connectCinder } from "../provider/src/config/connect";
import { resolveSettings } from "../provider/src/config/settings";
import { AttachmentOperations } from "../provider/src/volumeAttachment/operations";
import { startProxy } from "../test/support/proxy";
import { CliClient, type ConnectorSpec } from "./clients";
import { stackEnv, stackSetting, viaOrigin } from "./env";
import { BenchVolumes } from "./volumes";

/** The OS_* environment of the stack's `demo` user (a member of project demo). */
export function demoUserEnv(authUrl: string): NodeJS.ProcessEnv {
  const env = stackEnv();
  return {
    OS_AUTH_URL: authUrl,
    OS_USERNAME: env["KEYSTONE_DEMO_USER"],
    OS_PASSWORD: env["KEYSTONE_DEMO_PASSWORD"],
    OS_PROJECT_NAME: env["KEYSTONE_DEMO_PROJECT"],
    OS_USER_DOMAIN_NAME: env["KEYSTONE_DOMAIN"],
    OS_PROJECT_DOMAIN_NAME: env["KEYSTONE_DOMAIN"],
    OS_REGION_NAME: env["KEYSTONE_REGION"],
  };
}

/**
 * The OS_* environment of the stack's `admin` user (role admin in project admin). The Terraform
 * peer needs an admin: its resource finds the attachment it made by the volume's
 * `attachments[].host_name`, which Cinder shows to admins only (its volume view blanks it for others).
 */
export function adminUserEnv(authUrl: string): NodeJS.ProcessEnv {
  const env = stackEnv();
  return {
    OS_AUTH_URL: authUrl,
    OS_USERNAME: env["KEYSTONE_ADMIN_USER"],
    OS_PASSWORD: env["KEYSTONE_ADMIN_PASSWORD"],
    OS_PROJECT_NAME: env["KEYSTONE_ADMIN_PROJECT"],
    OS_USER_DOMAIN_NAME: env["KEYSTONE_DOMAIN"],
    OS_PROJECT_DOMAIN_NAME: env["KEYSTONE_DOMAIN"],
    OS_REGION_NAME: env["KEYSTONE_REGION"],
  };
}

/** Stack config for the admin user (password as a secret), as {@link adminUserEnv} has it. */
export function adminStackConfig(): ConfigMap {
  const env = stackEnv();
  return {
    "cinder:authUrl": { value: stackSetting("KEYSTONE_URL") },
    "cinder:username": { value: stackSetting("KEYSTONE_ADMIN_USER") },
    "cinder:password": { value: stackSetting("KEYSTONE_ADMIN_PASSWORD"), secret: true },
    "cinder:projectName": { value: stackSetting("KEYSTONE_ADMIN_PROJECT") },
    "cinder:userDomainName": { value: env["KEYSTONE_DOMAIN"] ?? "Default" },
    "cinder:projectDomainName": { value: env["KEYSTONE_DOMAIN"] ?? "Default" },
    "cinder:region": { value: env["KEYSTONE_REGION"] ?? "RegionOne" },
  };
}

/** Volumes in the admin project (Keystone-backed Cinder). */
export async function adminVolumes(prefix: string): Promise<BenchVolumes> {
  const client = await connectCinder(resolveSettings(() => undefined, adminUserEnv(stackSetting("KEYSTONE_URL"))));
  return new BenchVolumes(client, prefix);
}

/** Stack config for the demo user (password as a secret), optionally with the service user. */
export function keystoneStackConfig(withServiceUser: boolean): ConfigMap {
  const env = stackEnv();
  const config: ConfigMap = {
    "cinder:authUrl": { value: stackSetting("KEYSTONE_URL") },
    "cinder:username": { value: stackSetting("KEYSTONE_DEMO_USER") },
    "cinder:password": { value: stackSetting("KEYSTONE_DEMO_PASSWORD"), secret: true },
    "cinder:projectName": { value: stackSetting("KEYSTONE_DEMO_PROJECT") },
    "cinder:userDomainName": { value: env["KEYSTONE_DOMAIN"] ?? "Default" },
    "cinder:projectDomainName": { value: env["KEYSTONE_DOMAIN"] ?? "Default" },
    "cinder:region": { value: env["KEYSTONE_REGION"] ?? "RegionOne" },
  };
  if (withServiceUser) {
    config["cinder:serviceUsername"] = { value: stackSetting("KEYSTONE_SERVICE_USER") };
    config["cinder:servicePassword"] = { value: stackSetting("KEYSTONE_SERVICE_PASSWORD"), secret: true };
    config["cinder:serviceProjectName"] = { value: stackSetting("KEYSTONE_SERVICE_PROJECT") };
  }
  return config;
}

/** The service user as stack config keys the provider reads (without the `cinder:` prefix). */
function serviceUserLookup(key: string): string | undefined {
  const values: Record<string, string> = {
    serviceUsername: stackSetting("KEYSTONE_SERVICE_USER"),
    servicePassword: stackSetting("KEYSTONE_SERVICE_PASSWORD"),
    serviceProjectName: stackSetting("KEYSTONE_SERVICE_PROJECT"),
  };
  return values[key];
}

/** Connects a client of the Keystone-backed Cinder as the demo user (for the bench's own volumes). */
export function demoCinderClient() {
  return connectCinder(resolveSettings(() => undefined, demoUserEnv(stackSetting("KEYSTONE_URL"))));
}

/** Keystone traffic of one process. */
export interface TokenCount {
  readonly label: string;
  /** Provider operations (or CLI commands) run. */
  readonly operations: number;
  /** `POST /v3/auth/tokens` at Keystone. */
  readonly tokenRequests: number;
  /** Every request Keystone received. */
  readonly keystoneRequests: number;
}

const CONNECTOR: ConnectorSpec = { initiator: "iqn.1993-08.org.debian:01:bench-k", ip: "192.0.2.30", host: "bench-k" };

/**
 * One provider process's worth of operations with Keystone: K full creates at once (concurrent first
 * use), K reads, one update, K deletes; counted at a proxy in front of Keystone.
 */
export async function providerTokens(volumes: readonly string[], withServiceUser: boolean): Promise<TokenCount> {
  const keystoneUrl = stackSetting("KEYSTONE_URL");
  const proxy = await startProxy(new URL(keystoneUrl).origin);
  try {
    const env = demoUserEnv(viaOrigin(keystoneUrl, proxy.url));
    const operations = AttachmentOperations.fromConfig(withServiceUser ? serviceUserLookup : () => undefined, env);
    let count = 0;
    const created = await Promise.all(
      volumes.map(async (volumeId) => {
        const { inputs } = await operations.check({ volumeId, connector: CONNECTOR });
        count += 1;
        return operations.create(inputs);
      }),
    );
    for (const { id, outs } of created) {
      await operations.read(id, outs);
      count += 1;
    }
    const first = created[0];
    if (first) {
      const { inputs } = await operations.check({
        volumeId: first.outs.volumeId,
        connector: { ...CONNECTOR, host: "bench-k2" },
      });
      await operations.update(first.id, first.outs, inputs);
      count += 1;
    }
    for (const { id } of created) {
      await operations.delete(id);
      count += 1;
    }
    await proxy.idle();
    const tokens = proxy.exchanges.filter((e) => e.method === "POST" && /\/v3\/auth\/tokens$/.test(e.path));
    return {
      label: withServiceUser ? "provider, user + service user" : "provider, user",
      operations: count,
      tokenRequests: tokens.length,
      keystoneRequests: proxy.exchanges.length,
    };
  } finally {
    await proxy.close();
  }
}

/** The cinder CLI with password authentication: create, show, delete (one process each). */
export async function cliTokens(volumeId: string): Promise<TokenCount> {
  const keystoneUrl = stackSetting("KEYSTONE_URL");
  const proxy = await startProxy(new URL(keystoneUrl).origin);
  try {
    const cli = new CliClient({ ...demoUserEnv(viaOrigin(keystoneUrl, proxy.url)), OS_VOLUME_API_VERSION: "3.54" });
    const made = await cli.create(volumeId, CONNECTOR, false);
    const id = made.id as string;
    await cli.read(id);
    await cli.delete(id);
    await proxy.idle();
    const tokens = proxy.exchanges.filter((e) => e.method === "POST" && /\/v3\/auth\/tokens$/.test(e.path));
    return {
      label: "cinder CLI, user (one process per command)",
      operations: 3,
      tokenRequests: tokens.length,
      keystoneRequests: proxy.exchanges.length,
    };
  } finally {
    await proxy.close();
  }
}

/** Volumes in the demo project (Keystone-backed Cinder). */
export async function demoVolumes(prefix: string): Promise<BenchVolumes> {
  return new BenchVolumes(await demoCinderClient(), prefix);
}

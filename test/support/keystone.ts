/** The local Keystone of the stack (`stack.sh start --keystone`): its users, tokens and credentials. */
import { Agent } from "node:http";
import axiosBase from "axios";
import { stackEnv } from "./stack";

/** Keystone behind uwsgi closes idle connections: no keep-alive. */
const axios = axiosBase.create({ httpAgent: new Agent({ keepAlive: false }) });

/** The OS_* environment of a stack user (`demo`: member of project demo; `admin`). */
export function keystoneEnv(
  user: "demo" | "admin" = "demo",
  overrides: Record<string, string | undefined> = {},
): NodeJS.ProcessEnv {
  const env = stackEnv();
  const upper = user.toUpperCase();
  return {
    OS_AUTH_URL: env.KEYSTONE_URL,
    OS_USERNAME: env[`KEYSTONE_${upper}_USER`],
    OS_PASSWORD: env[`KEYSTONE_${upper}_PASSWORD`],
    OS_PROJECT_NAME: env[`KEYSTONE_${upper}_PROJECT`],
    OS_USER_DOMAIN_NAME: env.KEYSTONE_DOMAIN,
    OS_PROJECT_DOMAIN_NAME: env.KEYSTONE_DOMAIN,
    OS_REGION_NAME: env.KEYSTONE_REGION,
    ...overrides,
  };
}

/** Stack config for the stack's Cinder service user, which may send service tokens. */
export function serviceUserConfig(): Record<string, string> {
  const env = stackEnv();
  return {
    serviceUsername: env.KEYSTONE_SERVICE_USER as string,
    servicePassword: env.KEYSTONE_SERVICE_PASSWORD as string,
    serviceProjectName: env.KEYSTONE_SERVICE_PROJECT as string,
  };
}

/** Issues a project-scoped token for a stack user, straight from Keystone. */
export async function issueToken(
  user: "demo" | "admin" = "demo",
): Promise<{ token: string; userId: string; projectId: string }> {
  const env = keystoneEnv(user);
  const response = await axios.post<{ token: { user: { id: string }; project: { id: string } } }>(
    `${env.OS_AUTH_URL}/auth/tokens`,
    {
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: env.OS_USERNAME, domain: { name: "Default" }, password: env.OS_PASSWORD } },
        },
        scope: { project: { name: env.OS_PROJECT_NAME, domain: { name: "Default" } } },
      },
    },
  );
  return {
    token: response.headers["x-subject-token"] as string,
    userId: response.data.token.user.id,
    projectId: response.data.token.project.id,
  };
}

/** Revokes a token (as its own holder). */
export async function revokeToken(token: string): Promise<void> {
  await axios.delete(`${stackEnv().KEYSTONE_URL}/auth/tokens`, {
    headers: { "X-Auth-Token": token, "X-Subject-Token": token },
  });
}

/** Creates an application credential for the demo user; returns its id, name and secret. */
export async function createApplicationCredential(name: string): Promise<{ id: string; name: string; secret: string }> {
  const { token, userId } = await issueToken("demo");
  const response = await axios.post<{ application_credential: { id: string; name: string; secret: string } }>(
    `${stackEnv().KEYSTONE_URL}/users/${userId}/application_credentials`,
    { application_credential: { name } },
    { headers: { "X-Auth-Token": token } },
  );
  return response.data.application_credential;
}

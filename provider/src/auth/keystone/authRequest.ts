/**
 * Keystone v3 authentication requests: the body of `POST /v3/auth/tokens` for each method and
 * scope the provider supports. Pure: no I/O.
 */

/** Who the user is within a domain: by ID, or by name with the domain's name or ID. */
export interface UserRef {
  readonly userId?: string;
  readonly username?: string;
  readonly userDomainId?: string;
  readonly userDomainName?: string;
}

/** What the token is scoped to. */
export type Scope =
  | {
      readonly kind: "project";
      readonly projectId?: string;
      readonly projectName?: string;
      readonly projectDomainId?: string;
      readonly projectDomainName?: string;
    }
  | { readonly kind: "system" }
  | { readonly kind: "unscoped" };

/** The credentials of one authentication method. */
export type Credentials =
  | ({ readonly method: "password"; readonly password: string } & UserRef)
  | ({
      readonly method: "applicationCredential";
      readonly applicationCredentialId?: string;
      readonly applicationCredentialName?: string;
      readonly secret: string;
    } & UserRef)
  | { readonly method: "token"; readonly token: string };

function userBody(user: UserRef): Record<string, unknown> {
  if (user.userId) return { id: user.userId };
  const domain = user.userDomainId ? { id: user.userDomainId } : { name: user.userDomainName ?? "Default" };
  return { name: user.username, domain };
}

function scopeBody(scope: Scope): Record<string, unknown> | undefined {
  switch (scope.kind) {
    case "system":
      return { system: { all: true } };
    case "unscoped":
      return undefined;
    case "project": {
      if (scope.projectId) return { project: { id: scope.projectId } };
      const domain = scope.projectDomainId
        ? { id: scope.projectDomainId }
        : { name: scope.projectDomainName ?? "Default" };
      return { project: { name: scope.projectName, domain } };
    }
  }
}

/**
 * The request body. Application credentials carry their own scope, so no scope is sent with them.
 */
export function authRequestBody(credentials: Credentials, scope: Scope): Record<string, unknown> {
  let identity: Record<string, unknown>;
  switch (credentials.method) {
    case "password":
      identity = {
        methods: ["password"],
        password: { user: { ...userBody(credentials), password: credentials.password } },
      };
      break;
    case "token":
      identity = { methods: ["token"], token: { id: credentials.token } };
      break;
    case "applicationCredential": {
      const credential = credentials.applicationCredentialId
        ? { id: credentials.applicationCredentialId, secret: credentials.secret }
        : { name: credentials.applicationCredentialName, secret: credentials.secret, user: userBody(credentials) };
      return { auth: { identity: { methods: ["application_credential"], application_credential: credential } } };
    }
  }
  const scoped = scopeBody(scope);
  return { auth: scoped ? { identity, scope: scoped } : { identity } };
}

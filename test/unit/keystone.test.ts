import { authRequestBody } from "../../provider/src/auth/keystone/authRequest";
import { EndpointNotFoundError, findBlockStorageEndpoint } from "../../provider/src/auth/keystone/catalog";
import { identityV3Url } from "../../provider/src/auth/keystone/session";

describe("Keystone authentication requests", () => {
  test("password by user name needs the user's domain; project scope by name needs the project's", () => {
    expect(
      authRequestBody(
        { method: "password", username: "demo", userDomainName: "Default", password: "pw" },
        { kind: "project", projectName: "demo", projectDomainName: "Default" },
      ),
    ).toEqual({
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: "demo", domain: { name: "Default" }, password: "pw" } },
        },
        scope: { project: { name: "demo", domain: { name: "Default" } } },
      },
    });
  });

  test("IDs need no domain; system scope is all", () => {
    expect(authRequestBody({ method: "password", userId: "u1", password: "pw" }, { kind: "system" })).toEqual({
      auth: {
        identity: { methods: ["password"], password: { user: { id: "u1", password: "pw" } } },
        scope: { system: { all: true } },
      },
    });
  });

  test("an existing token, project-scoped by ID", () => {
    expect(authRequestBody({ method: "token", token: "gAAAA" }, { kind: "project", projectId: "p1" })).toEqual({
      auth: { identity: { methods: ["token"], token: { id: "gAAAA" } }, scope: { project: { id: "p1" } } },
    });
  });

  test("application credentials carry their own scope: by ID, or by name with their user", () => {
    expect(
      authRequestBody(
        { method: "applicationCredential", applicationCredentialId: "ac1", secret: "s" },
        { kind: "unscoped" },
      ),
    ).toEqual({
      auth: { identity: { methods: ["application_credential"], application_credential: { id: "ac1", secret: "s" } } },
    });
    expect(
      authRequestBody(
        {
          method: "applicationCredential",
          applicationCredentialName: "ci",
          username: "demo",
          userDomainName: "Default",
          secret: "s",
        },
        { kind: "project", projectName: "ignored" },
      ),
    ).toEqual({
      auth: {
        identity: {
          methods: ["application_credential"],
          application_credential: { name: "ci", secret: "s", user: { name: "demo", domain: { name: "Default" } } },
        },
      },
    });
  });

  test.each([
    ["http://k:5000", "http://k:5000/v3"],
    ["http://k:5000/", "http://k:5000/v3"],
    ["http://k:5000/v3/", "http://k:5000/v3"],
    ["https://cloud/identity/v3", "https://cloud/identity/v3"],
  ])("the auth URL %s is used as %s", (given, used) => {
    expect(identityV3Url(given)).toBe(used);
  });
});

describe("Block Storage endpoint from the catalog", () => {
  const catalog = [
    { type: "identity", endpoints: [{ interface: "public", region: "RegionOne", url: "http://k/v3" }] },
    {
      type: "volumev3",
      endpoints: [{ interface: "public", region: "RegionOne", url: "http://legacy/v3/p" }],
    },
    {
      type: "block-storage",
      endpoints: [
        { interface: "public", region: "RegionOne", url: "http://public/v3/p" },
        { interface: "internal", region: "RegionOne", url: "http://internal/v3/p" },
        { interface: "public", region: "RegionTwo", url: "http://two/v3/p" },
      ],
    },
  ];

  test("block-storage is preferred over volumev3, by interface and region", () => {
    expect(findBlockStorageEndpoint(catalog, "public")).toBe("http://public/v3/p");
    expect(findBlockStorageEndpoint(catalog, "internal", "RegionOne")).toBe("http://internal/v3/p");
    expect(findBlockStorageEndpoint(catalog, "public", "RegionTwo")).toBe("http://two/v3/p");
  });

  test("volumev3 is the fallback when block-storage is missing", () => {
    expect(
      findBlockStorageEndpoint(
        catalog.filter((s) => s.type !== "block-storage"),
        "public",
      ),
    ).toBe("http://legacy/v3/p");
  });

  test("no fitting endpoint: the error says what was looked for and what the catalog has", () => {
    expect(() => findBlockStorageEndpoint(catalog, "admin", "RegionOne")).toThrow(EndpointNotFoundError);
    expect(() => findBlockStorageEndpoint([catalog[0]!], "public")).toThrow(
      /no block-storage or volumev3 endpoint with interface "public"\. It offers: identity \(public@RegionOne\)/,
    );
  });
});

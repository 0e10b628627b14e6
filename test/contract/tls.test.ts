/**
 * TLS settings (cacert, cert, key, insecure) against the real Cinder and Keystone behind a loopback
 * HTTPS proxy with certificates of a throwaway CA (test/support/testPki.ts): the local stack itself
 * speaks plain HTTP, the proxy terminates TLS in front of it and can demand a client certificate.
 */
import { listAttachments } from "../../provider/src/cinder/attachments";
import { CinderConnectionError } from "../../provider/src/cinder/errors";
import { connectCinder, openSession } from "../../provider/src/config/connect";
import { resolveSettings } from "../../provider/src/config/settings";
import { AttachmentOperations } from "../../provider/src/volumeAttachment/operations";
import { issueToken, keystoneEnv } from "../support/keystone";
import { type CinderProxy, startProxy } from "../support/proxy";
import { TestVolumes, adminClient, noAuthEnv, operations, stackEnv } from "../support/stack";
import { CLIENT_CN, type TestPki, makeTestPki, serverTls } from "../support/testPki";
import { CONNECTOR_DEFAULTS } from "../support/connectors";

jest.setTimeout(60_000);

const none = () => undefined;
const HOST = {
  initiator: "iqn.1993-08.org.debian:01:tls-host",
  ip: "127.0.0.1",
  host: "tls-host",
  ...CONNECTOR_DEFAULTS,
};

let pki: TestPki;
let cinder: CinderProxy;
let mutual: CinderProxy;
const volumes = new TestVolumes("tls");

beforeAll(async () => {
  pki = makeTestPki();
  const origin = new URL(stackEnv().CINDER_ENDPOINT as string).origin;
  cinder = await startProxy(origin, undefined, { tls: serverTls(pki) });
  mutual = await startProxy(origin, undefined, { tls: serverTls(pki, true) });
});

afterAll(async () => {
  await volumes.cleanup(await adminClient());
  await Promise.all([cinder.close(), mutual.close()]);
});

/** The noauth environment pointed at `proxy`, plus TLS settings as OS_* variables. */
const tlsEnv = (proxy: CinderProxy, tls: Record<string, string>) =>
  noAuthEnv({ CINDER_ENDPOINT: `${proxy.url}/v3`, ...tls });

test("with cacert naming the CA, the provider attaches and detaches a volume through the HTTPS endpoint", async () => {
  const volume = await volumes.create(await adminClient());
  const ops = operations({ CINDER_ENDPOINT: `${cinder.url}/v3`, OS_CACERT: pki.caCert });
  const { id, outs } = await ops.create({ volumeId: volume.id, connector: HOST, complete: true });
  expect(outs).toMatchObject({ status: "attached", driverVolumeType: "iscsi" });
  await ops.delete(id);
  const seen = cinder.exchanges.map((e) => `${e.method} ${e.path.split("?")[0] ?? ""}`);
  expect(seen).toEqual(expect.arrayContaining(["POST /v3/attachments", `DELETE /v3/attachments/${id}`]));
});

/** The first request of provider operations with `env`: a read (connecting sends nothing). */
const firstRequest = (env: NodeJS.ProcessEnv) =>
  AttachmentOperations.fromConfig(none, env).read("00000000-0000-4000-8000-000000000000", undefined);

test("without cacert the server's certificate is not trusted: the error names the TLS failure and the settings that fix it", async () => {
  const failure = firstRequest(tlsEnv(cinder, {}));
  await expect(failure).rejects.toBeInstanceOf(CinderConnectionError);
  await expect(failure).rejects.toThrow(/SELF_SIGNED_CERT_IN_CHAIN.*not accepted.*cacert.*OS_CACERT.*insecure/);
});

test("insecure = true skips verification of the server certificate", async () => {
  const client = await connectCinder(resolveSettings(none, tlsEnv(cinder, { OS_INSECURE: "true" })));
  await expect(listAttachments(client)).resolves.toEqual(expect.any(Array));
});

test("a server that demands a client certificate is given the one cert and key name, and refuses a client without", async () => {
  const withCertificate = tlsEnv(mutual, { OS_CACERT: pki.caCert, OS_CERT: pki.clientCert, OS_KEY: pki.clientKey });
  await listAttachments(await connectCinder(resolveSettings(none, withCertificate)));
  expect(mutual.exchanges.map((e) => e.clientCertificate)).toContain(CLIENT_CN);

  const without = firstRequest(tlsEnv(mutual, { OS_CACERT: pki.caCert }));
  await expect(without).rejects.toBeInstanceOf(CinderConnectionError);
  await expect(without).rejects.toThrow(/CERTIFICATE_REQUIRED.*client certificate.*OS_CERT.*OS_KEY/);
});

test("Keystone over HTTPS: cacert applies to the token requests too, and Cinder over HTTPS behind it", async () => {
  const keystone = await startProxy(new URL(stackEnv().KEYSTONE_URL as string).origin, undefined, {
    tls: serverTls(pki),
  });
  const keystoneCinder = await startProxy(new URL(stackEnv().CINDER_KEYSTONE_ENDPOINT as string).origin, undefined, {
    tls: serverTls(pki),
  });
  try {
    const { projectId } = await issueToken("demo");
    const env = keystoneEnv("demo", {
      OS_AUTH_URL: `${keystone.url}/v3`,
      OS_CACERT: pki.caCert,
      CINDER_ENDPOINT: `${keystoneCinder.url}/v3/${projectId}`,
    });
    await listAttachments(await connectCinder(resolveSettings(none, env)));
    expect(keystone.exchanges.map((e) => `${e.method} ${e.path}`)).toContain("POST /v3/auth/tokens");
    expect(keystoneCinder.exchanges.map((e) => e.method)).toContain("GET");

    // The auth layer names the TLS failure; the config layer adds the settings that fix it. Without
    // the endpoint, the session asks Keystone at once (for the catalog).
    const untrusted = openSession(resolveSettings(none, { ...env, OS_CACERT: undefined, CINDER_ENDPOINT: undefined }));
    await expect(untrusted).rejects.toThrow(
      /did not answer \(SELF_SIGNED_CERT_IN_CHAIN\).*not accepted.*cacert.*OS_CACERT/,
    );
  } finally {
    await Promise.all([keystone.close(), keystoneCinder.close()]);
  }
});

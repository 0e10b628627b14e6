/**
 * A throwaway PKI for TLS tests, made with the openssl CLI: a CA, a server certificate for
 * 127.0.0.1 and a client certificate, all signed by that CA (EC P-256 keys, valid for two days).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Paths of the PEM files, and the server's key and certificate as read. */
export interface TestPki {
  readonly dir: string;
  /** The CA certificate (what `cacert` names). */
  readonly caCert: string;
  readonly serverKey: string;
  readonly serverCert: string;
  /** The client's certificate and key (what `cert` and `key` name); CN `cinder-test-client`. */
  readonly clientCert: string;
  readonly clientKey: string;
}

/** The client certificate's common name. */
export const CLIENT_CN = "cinder-test-client";

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

/** A key and a certificate signed by the CA in `dir`, with the given extensions. */
function issue(dir: string, name: string, subject: string, extensions: string): void {
  const newKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(dir, ["req", ...newKey, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subject]);
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, [
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-out",
    `${name}.pem`,
    "-extfile",
    `${name}.ext`,
  ]);
}

/** Makes the CA, server and client certificates in a fresh temporary folder. */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "cinder-tls-"));
  openssl(dir, [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=cinder-test-ca",
  ]);
  issue(dir, "server", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  issue(dir, "client", `/CN=${CLIENT_CN}`, "extendedKeyUsage=clientAuth\n");
  return {
    dir,
    caCert: join(dir, "ca.pem"),
    serverKey: join(dir, "server.key"),
    serverCert: join(dir, "server.pem"),
    clientCert: join(dir, "client.pem"),
    clientKey: join(dir, "client.key"),
  };
}

/** The proxy TLS options for the PKI's server certificate. */
export function serverTls(pki: TestPki, requireClientCertificate = false) {
  return {
    key: readFileSync(pki.serverKey),
    cert: readFileSync(pki.serverCert),
    ca: readFileSync(pki.caCert),
    requireClientCertificate,
  };
}

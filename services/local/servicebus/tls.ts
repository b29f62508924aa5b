// A throw-away self-signed certificate for localhost / 127.0.0.1. Node's crypto cannot
// issue X.509 certificates, so this uses the openssl command line tool.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

export interface TlsMaterial {
  key: string;
  cert: string;
  /** The certificate as a PEM file: clients trust it with NODE_EXTRA_CA_CERTS. */
  certificatePath: string;
  cleanup(): Promise<void>;
}

export async function createTlsMaterial(): Promise<TlsMaterial> {
  const directory = await mkdtemp(path.join(tmpdir(), "estate-servicebus-tls-"));
  const keyPath = path.join(directory, "key.pem");
  const certificatePath = path.join(directory, "cert.pem");
  try {
    await promisify(execFile)("openssl", [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      keyPath,
      "-out",
      certificatePath,
      "-days",
      "7",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
    ]);
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw new Error(`tls: true needs the openssl command to generate a certificate: ${(error as Error).message}`);
  }
  return {
    key: await readFile(keyPath, "utf8"),
    cert: await readFile(certificatePath, "utf8"),
    certificatePath,
    cleanup: () => rm(directory, { recursive: true, force: true }),
  };
}

import { createPrivateKey, randomBytes, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";

/**
 * TLS for the local HEC receiver: a CA of its own and a server certificate for the
 * loopback names signed by it, so a client verifies the receiver exactly as it would
 * verify Splunk (trusting the CA through `ca` or NODE_EXTRA_CA_CERTS), never by turning
 * verification off. The CA's private key is dropped once the server certificate is
 * signed: nothing else can ever be issued under a CA someone was told to trust.
 */
export type TLoopbackCertificate = {
  /** The CA certificate a client must trust. */
  caCertPem: string;
  /** The same, in a file (for NODE_EXTRA_CA_CERTS in child processes). */
  caCertPath: string;
  /** The server certificate, for 127.0.0.1, ::1 and localhost. */
  certPem: string;
  keyPem: string;
};

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
const VALID_DAYS = 30;
const FILES = { ca: "ca.pem", cert: "server.pem", key: "server-key.pem" } as const;

async function generatePems(): Promise<Omit<TLoopbackCertificate, "caCertPath">> {
  // Starts an hour back so a client whose clock is slightly behind still accepts it.
  const notBeforeDate = new Date(Date.now() - HOUR_MS);
  const notAfterDate = new Date(Date.now() + VALID_DAYS * DAY_MS);
  // EC keys: generated in milliseconds where RSA takes a noticeable part of a second.
  const common = { keyType: "ec", curve: "P-256", algorithm: "sha256", notBeforeDate, notAfterDate } as const;
  // A name of its own per CA: a client trusting two of them (NODE_EXTRA_CA_CERTS and `ca`)
  // finds the issuer by name, and the wrong one with the same name fails the signature check.
  const caName = `Cato HEC receiver local CA ${randomBytes(6).toString("hex")}`;
  const ca = await generate([{ name: "commonName", value: caName }], {
    ...common,
    extensions: [
      { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const server = await generate([{ name: "commonName", value: "localhost" }], {
    ...common,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false, critical: true },
      { name: "keyUsage", digitalSignature: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
          { type: 2, value: "localhost" },
        ],
      },
    ],
  });
  return { caCertPem: ca.cert, certPem: server.cert, keyPem: server.private };
}

/** A new CA and server certificate; the CA file lives in a temporary directory removed when the process exits. */
export async function createLoopbackCertificate(): Promise<TLoopbackCertificate> {
  const pems = await generatePems();
  const dir = mkdtempSync(join(tmpdir(), "hec-receiver-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const caCertPath = join(dir, FILES.ca);
  writeFileSync(caCertPath, pems.caCertPem);
  return { ...pems, caCertPath };
}

function isUsable(certificate: Omit<TLoopbackCertificate, "caCertPath">): boolean {
  try {
    const ca = new X509Certificate(certificate.caCertPem);
    const server = new X509Certificate(certificate.certPem);
    const validFor = Math.min(Date.parse(ca.validTo), Date.parse(server.validTo)) - Date.now();
    return (
      validFor > DAY_MS && server.verify(ca.publicKey) && server.checkPrivateKey(createPrivateKey(certificate.keyPem))
    );
  } catch {
    return false;
  }
}

/**
 * The certificate kept in `dir`, made there on first use and again when it has less
 * than a day left: a receiver restarted with the same directory keeps the CA its
 * clients were told to trust.
 */
export async function loadLoopbackCertificate(dir: string): Promise<TLoopbackCertificate> {
  const paths = { ca: join(dir, FILES.ca), cert: join(dir, FILES.cert), key: join(dir, FILES.key) };
  if (existsSync(paths.ca) && existsSync(paths.cert) && existsSync(paths.key)) {
    const stored = {
      caCertPem: readFileSync(paths.ca, "utf8"),
      certPem: readFileSync(paths.cert, "utf8"),
      keyPem: readFileSync(paths.key, "utf8"),
    };
    if (isUsable(stored)) return { ...stored, caCertPath: paths.ca };
  }
  const pems = await generatePems();
  mkdirSync(dir, { recursive: true });
  writeFileAtomically(paths.key, pems.keyPem, 0o600);
  writeFileAtomically(paths.cert, pems.certPem);
  writeFileAtomically(paths.ca, pems.caCertPem);
  return { ...pems, caCertPath: paths.ca };
}

/** Another process reading the directory meanwhile sees the old file or the new one, never half of one. */
function writeFileAtomically(path: string, text: string, mode = 0o644): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode });
  renameSync(temporary, path);
}

/**
 * go-plugin's automatic mutual TLS: the plugin makes a fresh self-signed certificate for every run,
 * serves with it, and requires Terraform's own certificate (PLUGIN_CLIENT_CERT) from the client.
 * Terraform pins the server certificate from the handshake line, so nothing here needs a CA.
 *
 * The certificate is encoded here (der.ts) and signed with node:crypto: Terraform starts the plugin
 * several times per command, and this takes a millisecond where loading an X.509 library took a
 * third of the start.
 */
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import {
  bitString,
  boolean,
  explicit,
  implicit,
  objectIdentifier,
  octetString,
  sequence,
  set,
  smallInteger,
  time,
  unsignedInteger,
  utf8String,
} from "./der.js";

export interface ServerCertificate {
  certPem: string;
  keyPem: string;
  /** The raw DER, base64 without padding, as the handshake line carries it. */
  handshakeBase64: string;
}

const OID = {
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  commonName: "2.5.4.3",
  organization: "2.5.4.10",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extendedKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
};

const extension = (oid: string, critical: boolean, value: Buffer) =>
  sequence(objectIdentifier(oid), ...(critical ? [boolean(true)] : []), octetString(value));

function pem(label: string, der: Buffer): string {
  const body = der
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .trimEnd();
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

export function makeServerCertificate(now = new Date()): ServerCertificate {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const signatureAlgorithm = sequence(objectIdentifier(OID.ecdsaWithSha256));
  const name = sequence(
    set(sequence(objectIdentifier(OID.commonName), utf8String("localhost"))),
    set(sequence(objectIdentifier(OID.organization), utf8String("exrec"))),
  );
  // Serial numbers are positive and at most 20 bytes (RFC 5280, 4.1.2.2).
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  // keyUsage bits 0 (digitalSignature), 2 (keyEncipherment), 5 (keyCertSign): 1010 0100, two unused.
  const keyUsage = bitString(Buffer.from([0xa4]), 2);
  const tbs = sequence(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(serial),
    signatureAlgorithm,
    name,
    // A little in the past, so that a clock a few minutes behind Terraform's still accepts it.
    sequence(time(new Date(now.getTime() - 5 * 60_000)), time(new Date(now.getTime() + 24 * 3600_000))),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    explicit(
      3,
      sequence(
        // Terraform trusts exactly this certificate as its root: it must say it is a CA.
        extension(OID.basicConstraints, true, sequence(boolean(true))),
        extension(OID.keyUsage, true, keyUsage),
        extension(
          OID.extendedKeyUsage,
          false,
          sequence(objectIdentifier(OID.serverAuth), objectIdentifier(OID.clientAuth)),
        ),
        extension(OID.subjectAltName, false, sequence(implicit(2, Buffer.from("localhost", "ascii")))),
      ),
    ),
  );
  // node:crypto signs ECDSA in DER (SEQUENCE of r and s), as X.509 carries it.
  const certificate = sequence(tbs, signatureAlgorithm, bitString(sign("sha256", tbs, privateKey)));
  return {
    certPem: pem("CERTIFICATE", certificate),
    keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    handshakeBase64: certificate.toString("base64").replace(/=+$/, ""),
  };
}

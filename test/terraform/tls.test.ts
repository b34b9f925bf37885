/**
 * The provider's self-signed certificate, encoded by hand (provider/terraform/der.ts), read back by
 * two independent parsers (OpenSSL through node:crypto, and @peculiar/x509): what go-plugin needs
 * of it (a CA for "localhost" that signs itself, valid now) and that it serves a real TLS handshake.
 */
import { X509Certificate, createPrivateKey } from "node:crypto";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { connect, createServer } from "node:tls";
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { describe, expect, it } from "vitest";
import { makeServerCertificate } from "../../provider/terraform/tls.js";

const NOW = new Date("2026-03-01T12:00:00Z");

describe("the provider's TLS certificate", () => {
  const made = makeServerCertificate(NOW);

  it("is a self-signed CA for localhost, valid from five minutes before now for a day", () => {
    const cert = new X509Certificate(made.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toBe("CN=localhost\nO=exrec");
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.subjectAltName).toBe("DNS:localhost");
    expect(cert.checkHost("localhost")).toBe("localhost");
    expect(new Date(cert.validFrom).toISOString()).toBe("2026-03-01T11:55:00.000Z");
    expect(new Date(cert.validTo).toISOString()).toBe("2026-03-02T12:00:00.000Z");
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: "prime256v1" });
    // PKCS #8, as grpc-js reads it, and the key of this certificate.
    expect(made.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(cert.checkPrivateKey(createPrivateKey(made.keyPem))).toBe(true);
    expect(cert.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);
  });

  it("carries the extensions go-plugin's own certificates carry, critical where they are", async () => {
    const cert = new x509.X509Certificate(made.certPem);
    expect(cert.signatureAlgorithm).toMatchObject({ name: "ECDSA", hash: { name: "SHA-256" } });
    expect(await cert.verify({ signatureOnly: true })).toBe(true);
    const basic = cert.getExtension(x509.BasicConstraintsExtension);
    expect(basic).toMatchObject({ ca: true, critical: true });
    const usages = cert.getExtension(x509.KeyUsagesExtension);
    expect(usages?.critical).toBe(true);
    expect(usages?.usages).toBe(
      x509.KeyUsageFlags.digitalSignature |
        x509.KeyUsageFlags.keyEncipherment |
        x509.KeyUsageFlags.keyCertSign,
    );
    const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
    expect(eku?.usages).toEqual([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]);
    expect(cert.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON()).toEqual([
      { type: "dns", value: "localhost" },
    ]);
    // A positive serial number of 16 bytes at most (RFC 5280 allows 20).
    expect(cert.serialNumber).toMatch(/^[0-7][0-9a-f]{0,31}$/);
  });

  it("puts the DER itself, base64 without padding, on the handshake line", () => {
    const der = new X509Certificate(made.certPem).raw;
    expect(made.handshakeBase64).toBe(der.toString("base64").replace(/=+$/, ""));
    expect(made.handshakeBase64).not.toContain("=");
  });

  it("makes a fresh key and serial number at every start", () => {
    const other = makeServerCertificate(NOW);
    expect(other.keyPem).not.toBe(made.keyPem);
    expect(new X509Certificate(other.certPem).serialNumber).not.toBe(
      new X509Certificate(made.certPem).serialNumber,
    );
  });

  it("serves a TLS handshake that a client pinning it as its only CA accepts, for localhost", async () => {
    const fresh = makeServerCertificate();
    const server = createServer({ cert: fresh.certPem, key: fresh.keyPem }, (socket) => socket.end("ok"));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      const { port } = server.address() as AddressInfo;
      const socket = connect({ host: "127.0.0.1", port, servername: "localhost", ca: [fresh.certPem] });
      await once(socket, "secureConnect");
      expect(socket.authorized).toBe(true);
      socket.destroy();
    } finally {
      server.close();
    }
  });
});

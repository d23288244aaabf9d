/**
 * tcp:// engines over TLS, as the docker CLI reaches them. Which files: DOCKER_TLS_VERIFY (any
 * non-empty value: TLS, the engine's certificate verified against DOCKER_CERT_PATH's ca.pem) or
 * DOCKER_TLS (TLS, not verified), DOCKER_CERT_PATH defaulting to the docker config folder, its
 * cert.pem and key.pem used when there (see docker-config.ts for a context's material). The files
 * are read when a connection is made, each problem in words naming the file; a failed handshake is
 * said in words too (an unknown CA, an expired certificate, plain HTTP behind a TLS address).
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { closeSync, constants, existsSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { BerthError } from '../../shared/errors';
import type { EngineTls } from '../../shared/models';

export type { EngineTls };

/** A CA bundle is some kB; a file past this is no PEM file (and is not read). */
const MAX_PEM = 1024 * 1024;

/** The bytes of an engine's TLS files. */
export interface TlsMaterial {
  verify: boolean;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** The files ca.pem, cert.pem and key.pem in `dir` as the docker CLI picks them: cert and key where either is there. */
export function tlsFilesIn(dir: string, verify: boolean, opts: { caRequired: boolean }, exists: (f: string) => boolean = existsSync): EngineTls {
  const [ca, cert, key] = ['ca.pem', 'cert.pem', 'key.pem'].map((f) => join(dir, f)) as [string, string, string];
  return {
    verify,
    dir,
    ...(verify && (opts.caRequired || exists(ca)) ? { ca } : {}),
    ...(exists(cert) || exists(key) ? { cert, key } : {}),
  };
}

/** Reads and checks the files: the bytes, or why not in words naming the file. */
export function readTls(t: EngineTls, now = Date.now()): { material: TlsMaterial } | { problem: string } {
  const read = (file: string, what: string): Buffer | string => {
    let fd: number | undefined;
    try {
      // Never blocks on a FIFO, never reads /dev/zero: a regular file of at most MAX_PEM bytes.
      fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
      const st = fstatSync(fd);
      if (!st.isFile()) return `${what} ${file} is not a regular file`;
      if (st.size > MAX_PEM) return `${what} ${file} is ${st.size} bytes, more than a PEM file holds (at most ${MAX_PEM})`;
      return readFileSync(fd);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return code === 'ENOENT' ? `${what} ${file} does not exist` : `${what} ${file} cannot be read (${code ?? (e as Error).message})`;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  };
  const material: TlsMaterial = { verify: t.verify };
  if (t.ca) {
    const ca = read(t.ca, 'The CA certificate');
    if (typeof ca === 'string') return { problem: `${ca}: it is the CA the engine's certificate is verified against.` };
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) return { problem: `The CA certificate ${t.ca} holds no PEM certificate.` };
    material.ca = ca;
  }
  if (t.cert || t.key) {
    const cert = t.cert ? read(t.cert, 'The client certificate') : 'There is no client certificate';
    const key = t.key ? read(t.key, 'The client key') : 'There is no client key';
    if (typeof cert === 'string' && typeof key === 'string') return { problem: `${cert}, and ${key.replace(/^The/, 'the')}.` };
    if (typeof key === 'string') return { problem: `${key}: the client certificate ${t.cert} needs its key beside it.` };
    if (typeof cert === 'string') return { problem: `${cert}: the client key ${t.key} needs its certificate beside it.` };
    let x509: X509Certificate;
    try {
      x509 = new X509Certificate(cert);
    } catch (e) {
      return { problem: `The client certificate ${t.cert} cannot be read as a PEM certificate (${(e as Error).message}).` };
    }
    if (/ENCRYPTED/.test(key.toString('latin1', 0, 200))) return { problem: `The client key ${t.key} is encrypted; the docker CLI and Berth take only unencrypted keys.` };
    try {
      if (!x509.checkPrivateKey(createPrivateKey(key))) return { problem: `The client key ${t.key} is not the key of the certificate ${t.cert}.` };
    } catch (e) {
      return { problem: `The client key ${t.key} cannot be read as a PEM private key (${(e as Error).message}).` };
    }
    if (Date.parse(x509.validTo) < now) return { problem: `The client certificate ${t.cert} expired on ${new Date(x509.validTo).toISOString().slice(0, 10)}.` };
    Object.assign(material, { cert, key });
  }
  return { material };
}

/** Why Berth cannot use these files, in words; undefined when it can. */
export function tlsProblem(t: EngineTls): string | undefined {
  const r = readTls(t);
  return 'problem' in r ? r.problem : undefined;
}

/** The files' bytes, or a BerthError naming the file. */
export function loadTls(t: EngineTls, address: string): TlsMaterial {
  const r = readTls(t);
  if ('problem' in r) throw new BerthError('INVALID_ARGUMENT', `Berth cannot reach ${address} over TLS: ${r.problem}`, { hint: hintFor(t) });
  return r.material;
}

function hintFor(t: EngineTls): string {
  return `The files are ca.pem, cert.pem and key.pem in ${t.dir} (DOCKER_CERT_PATH, or the context's TLS folder).`;
}

/** A TLS socket to the engine: the server name checked as the docker CLI does (an IP address against the certificate's IPs). */
export function connectTls(host: string, port: number, m: TlsMaterial): TLSSocket {
  return tlsConnect({
    host,
    port,
    ...(isIP(host) ? {} : { servername: host }),
    ...(m.ca ? { ca: m.ca } : {}),
    ...(m.cert && m.key ? { cert: m.cert, key: m.key } : {}),
    rejectUnauthorized: m.verify,
    ALPNProtocols: ['http/1.1'],
  });
}

const UNKNOWN_CA = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

/**
 * A failed TLS connection (or a TLS engine reached in plain tcp) in words, or undefined when `e`
 * is no such failure. `address` is the engine's tcp:// address; `t` its TLS files (none: plain).
 */
export function explainTlsError(e: unknown, address: string, t: EngineTls | undefined): BerthError | undefined {
  const err = (e ?? {}) as { code?: string; message?: string; statusCode?: number; json?: unknown; reason?: string };
  const code = err.code ?? '';
  const message = err.message ?? '';
  const unreachable = (text: string, hint: string) => new BerthError('ENGINE_UNREACHABLE', text, { hint });
  if (!t) {
    const body = typeof err.json === 'string' ? err.json : message;
    if (err.statusCode === 400 && /HTTP request to an HTTPS server/i.test(body))
      return unreachable(
        `The engine at ${address} speaks TLS, and Berth reached it in plain tcp.`,
        'Set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH (or use a context with its TLS material) for this address.',
      );
    return undefined;
  }
  if (UNKNOWN_CA.has(code))
    return unreachable(
      `The engine at ${address} presented a certificate signed by an unknown authority: ${t.ca ? `not by the CA in ${t.ca}` : "by none of the system's CAs"} (${code}).`,
      `Check that ${t.ca ?? 'ca.pem'} is the CA that signed the engine's certificate.`,
    );
  if (code === 'CERT_HAS_EXPIRED') return unreachable(`The engine at ${address} presented a certificate that has expired.`, 'Renew the engine’s certificate (dockerd --tlscert).');
  if (code === 'CERT_NOT_YET_VALID') return unreachable(`The engine at ${address} presented a certificate that is not valid yet.`, 'Check the clocks of this machine and the engine’s.');
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return unreachable(`The engine's certificate is not made out to the address ${address}: ${message}`, 'Reach the engine by a name or IP its certificate lists.');
  if (/WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST/.test(code) || /wrong version number|packet length too long|http request/i.test(message))
    return unreachable(`The engine at ${address} answered in plain HTTP, not TLS.`, 'Unset DOCKER_TLS_VERIFY and DOCKER_TLS for this address, or serve the engine with --tlsverify.');
  const refused = /ALERT_BAD_CERTIFICATE|ALERT_UNKNOWN_CA|CERTIFICATE_REQUIRED|ALERT_CERTIFICATE_UNKNOWN|ALERT_DECRYPT_ERROR|ALERT_HANDSHAKE_FAILURE/.test(code);
  if (refused && !t.cert) return unreachable(`The engine at ${address} asks for a client certificate, and Berth has none (no cert.pem and key.pem in ${t.dir}).`, hintFor(t));
  if (refused) return unreachable(`The engine at ${address} refused Berth's client certificate ${t.cert ?? ''}: it trusts no CA that signed it (${code}).`.replace(' :', ':'), hintFor(t));
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || /\bSSL\b|\bTLS\b/.test(message))
    return unreachable(`The TLS handshake with the engine at ${address} failed: ${message || code}.`, hintFor(t));
  return undefined;
}

/**
 * `env` for a docker CLI Berth runs (compose, the host terminal) on the engine at `dockerHost`:
 * DOCKER_HOST, and the TLS variables as the CLI reads them (DOCKER_CERT_PATH with its ca.pem,
 * cert.pem and key.pem; DOCKER_TLS_VERIFY, or DOCKER_TLS without verification), none of the user's
 * own left over for a plain engine.
 */
export function engineCliEnv(env: NodeJS.ProcessEnv, dockerHost: string, tls?: EngineTls): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, DOCKER_HOST: dockerHost };
  for (const k of ['DOCKER_TLS_VERIFY', 'DOCKER_TLS', 'DOCKER_CERT_PATH']) delete out[k];
  if (tls) Object.assign(out, { DOCKER_CERT_PATH: tls.dir }, tls.verify ? { DOCKER_TLS_VERIFY: '1' } : { DOCKER_TLS: '1' });
  return out;
}

/** Throwaway CAs and certificates (openssl, valid a day), for TLS material the tests point at and a TLS engine. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const openssl = (args: string[], cwd?: string) => execFileSync('openssl', args, { stdio: 'ignore', ...(cwd ? { cwd } : {}) });
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Writes `ca.pem` and `ca.key` into `dir`; the certificate's path. */
export function makeTestCa(dir: string, name = 'berth-test-ca'): string {
  const ca = join(dir, 'ca.pem');
  openssl(['req', '-x509', ...EC, '-keyout', join(dir, 'ca.key'), '-out', ca, '-subj', `/CN=${name}`, '-days', '1']);
  return ca;
}

export interface CertOptions {
  /** For the engine: its names (IP:127.0.0.1). */
  san?: string;
  /** For a client of the engine. */
  client?: boolean;
  /** Valid on one day in 2020 only. */
  expired?: boolean;
}

/** A key and a certificate signed by the CA in `caDir` (made by makeTestCa), as `<dir>/<name>.pem` and `<dir>/<name>-key.pem`. */
export function signCert(caDir: string, dir: string, name: string, opts: CertOptions = {}): { cert: string; key: string } {
  mkdirSync(dir, { recursive: true });
  const [cert, key, csr, ext] = [`${name}.pem`, `${name}-key.pem`, `${name}.csr`, `${name}.ext`].map((f) => join(dir, f)) as [string, string, string, string];
  openssl(['req', ...EC, '-keyout', key, '-out', csr, '-subj', `/CN=${name}`]);
  writeFileSync(ext, [opts.san ? `subjectAltName=${opts.san}` : '', `extendedKeyUsage=${opts.client ? 'clientAuth' : 'serverAuth'}`].filter(Boolean).join('\n') + '\n');
  const [ca, caKey] = [join(caDir, 'ca.pem'), join(caDir, 'ca.key')];
  if (!opts.expired) {
    openssl(['x509', '-req', '-in', csr, '-CA', ca, '-CAkey', caKey, '-CAcreateserial', '-out', cert, '-days', '1', '-extfile', ext]);
    return { cert, key };
  }
  // `openssl x509` dates a certificate from now; `openssl ca` takes any dates, with a minimal config.
  const db = join(dir, `${name}-ca`);
  mkdirSync(db, { recursive: true });
  writeFileSync(join(db, 'index.txt'), '');
  writeFileSync(join(db, 'serial'), '01\n');
  writeFileSync(join(db, 'ca.cnf'), `[ca]\ndefault_ca=d\n[d]\ndatabase=${db}/index.txt\nnew_certs_dir=${db}\nserial=${db}/serial\ndefault_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n`);
  openssl([
    'ca',
    '-batch',
    '-config',
    join(db, 'ca.cnf'),
    '-cert',
    ca,
    '-keyfile',
    caKey,
    '-in',
    csr,
    '-out',
    cert,
    '-notext',
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20200102000000Z',
    '-extfile',
    ext,
  ]);
  return { cert, key };
}

/**
 * What a TLS engine and its clients need, under `dir`: a CA (`ca/`), the engine's certificate for
 * 127.0.0.1 (`server/`), a client certificate (`client/`, as DOCKER_CERT_PATH wants it: ca.pem,
 * cert.pem, key.pem) and a second, unrelated CA (`other/ca.pem`).
 */
export function makeTlsSet(dir: string): { caDir: string; ca: string; server: { cert: string; key: string }; certPath: string; otherCa: string } {
  const caDir = join(dir, 'ca');
  const otherDir = join(dir, 'other');
  for (const d of [caDir, otherDir]) mkdirSync(d, { recursive: true });
  const ca = makeTestCa(caDir);
  const otherCa = makeTestCa(otherDir, 'berth-other-ca');
  const server = signCert(caDir, join(dir, 'server'), 'server', { san: 'IP:127.0.0.1,DNS:localhost' });
  const certPath = join(dir, 'client');
  const client = signCert(caDir, certPath, 'client', { client: true });
  execFileSync('cp', [client.cert, join(certPath, 'cert.pem')]);
  execFileSync('cp', [client.key, join(certPath, 'key.pem')]);
  execFileSync('cp', [ca, join(certPath, 'ca.pem')]);
  return { caDir, ca, server, certPath, otherCa };
}

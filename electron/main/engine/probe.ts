/**
 * Whether an engine answers `/_ping` within a short deadline: for the list of engines the
 * unreachable banner offers, and for a boot waiting on its engine. One request, no retries.
 */
import { get } from 'node:http';
import { connectTo } from './docker-client';
import type { EngineEndpoint } from './endpoint';
import { explainTlsError, readTls, type TlsMaterial } from './tls';

export type ProbeResult = { answers: true } | { answers: false; reason: string };

export function probeEngine(endpoint: Exclude<EngineEndpoint, { kind: 'ssh' }>, timeoutMs = 1500): Promise<ProbeResult> {
  let tls: TlsMaterial | undefined;
  if (endpoint.kind === 'tcp' && endpoint.tls) {
    const read = readTls(endpoint.tls);
    if ('problem' in read) return Promise.resolve({ answers: false, reason: read.problem });
    tls = read.material;
  }
  const address = endpoint.kind === 'tcp' ? `tcp://${endpoint.host}:${endpoint.port}` : '';
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: ProbeResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      abort.abort();
      resolve(r);
    };
    const abort = new AbortController();
    const req = get({ path: '/_ping', createConnection: () => connectTo(endpoint, abort.signal, tls) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.length < 4 && chunks.push(c));
      res.once('end', () => {
        if (res.statusCode === 200) return finish({ answers: true });
        const plain = endpoint.kind === 'tcp' ? explainTlsError({ statusCode: res.statusCode, json: Buffer.concat(chunks).toString('utf8') }, address, endpoint.tls) : undefined;
        finish({ answers: false, reason: plain?.message ?? `it answered ${res.statusCode}` });
      });
      res.once('error', () => finish({ answers: false, reason: `it answered ${res.statusCode}` }));
    });
    const timer = setTimeout(() => finish({ answers: false, reason: `no answer in ${timeoutMs / 1000} s` }), timeoutMs);
    req.once('error', (e: NodeJS.ErrnoException) => {
      const tlsFailure = endpoint.kind === 'tcp' ? explainTlsError(e, address, endpoint.tls) : undefined;
      finish({ answers: false, reason: tlsFailure?.message ?? (e.code === 'ENOENT' ? 'no socket there' : e.code === 'ECONNREFUSED' ? 'nothing listens there' : e.message) });
    });
  });
}

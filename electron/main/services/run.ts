/**
 * Run = create + start, all or nothing: if start fails, the created container is removed again,
 * so a failed run never leaves a half-made container behind.
 */
import { createServer, isIPv6 } from 'node:net';
import { createSocket } from 'node:dgram';
import type Dockerode from 'dockerode';
import { BerthError } from '../../shared/errors';
import type { RunSpec } from '../../shared/run-spec';
import { toBerthError } from '../engine/engine-errors';

export function toCreateOptions(s: RunSpec): Dockerode.ContainerCreateOptions {
  const key = (p: RunSpec['ports'][number]) => `${p.containerPort}/${p.protocol}`;
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of s.ports) (bindings[key(p)] ??= []).push({ HostIp: p.hostIp, HostPort: p.hostPort ? String(p.hostPort) : '' });
  return {
    ...(s.name ? { name: s.name } : {}),
    Image: s.image,
    ...(s.command ? { Cmd: s.command } : {}),
    ...(s.entrypoint ? { Entrypoint: s.entrypoint } : {}),
    Env: s.env.map((e) => `${e.key}=${e.value}`),
    Labels: s.labels,
    ...(s.workdir ? { WorkingDir: s.workdir } : {}),
    ...(s.user ? { User: s.user } : {}),
    Tty: s.tty,
    OpenStdin: s.interactive,
    ExposedPorts: Object.fromEntries(s.ports.map((p) => [key(p), {}])),
    HostConfig: {
      PortBindings: bindings,
      Mounts: s.mounts.map((m) =>
        m.type === 'tmpfs'
          ? { Type: 'tmpfs' as const, Source: '', Target: m.target, ...(m.sizeBytes ? { TmpfsOptions: { SizeBytes: m.sizeBytes, Mode: 0o1777 } } : {}) } // 1777: docker's tmpfs default
          : { Type: m.type, Source: m.source ?? '', Target: m.target, ReadOnly: m.readOnly }, // '' = anonymous volume
      ),
      RestartPolicy: { Name: s.restart === 'no' ? '' : s.restart, ...(s.maxRetries !== undefined ? { MaximumRetryCount: s.maxRetries } : {}) },
      AutoRemove: s.autoRemove,
      ...(s.cpus !== undefined ? { NanoCpus: Math.round(s.cpus * 1e9) } : {}),
      ...(s.memoryBytes !== undefined ? { Memory: s.memoryBytes } : {}),
      ...(s.network ? { NetworkMode: s.network } : {}),
      ReadonlyRootfs: s.readOnly,
      CapAdd: s.capAdd,
      CapDrop: s.capDrop,
      Init: s.init,
    },
  };
}

/** Resolves when the host port is free to bind, rejects with a clear CONFLICT when it is taken. */
function checkHostPort(ip: string, port: number, protocol: 'tcp' | 'udp'): Promise<void> {
  const taken = () =>
    new BerthError('CONFLICT', `Host port ${isIPv6(ip) ? `[${ip}]` : ip}:${port}/${protocol} is already in use`, {
      hint: 'Choose another host port, or leave it empty to let the engine pick a free one.',
    });
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? reject(taken()) : resolve()); // anything else: the engine decides
    if (protocol === 'udp') {
      const s = createSocket(isIPv6(ip) ? 'udp6' : 'udp4');
      s.once('error', (e) => (s.close(), onError(e)));
      s.bind(port, ip, () => s.close(() => resolve()));
    } else {
      const s = createServer();
      s.once('error', onError);
      s.listen(port, ip, () => s.close(() => resolve()));
    }
  });
}

export class RunService {
  /** `localPorts`: the engine publishes ports on this machine, so they can be checked here first. */
  constructor(
    private readonly docker: Dockerode,
    private readonly localPorts: boolean,
  ) {}

  async run(spec: RunSpec): Promise<{ id: string; name: string }> {
    if (this.localPorts) {
      for (const p of spec.ports) if (p.hostPort) await checkHostPort(p.hostIp, p.hostPort, p.protocol);
    }
    let container: Dockerode.Container;
    try {
      container = await this.docker.createContainer(toCreateOptions(spec));
    } catch (e) {
      const err = toBerthError(e);
      if (err.code === 'NOT_FOUND' && /no such image/i.test(err.message)) {
        throw new BerthError('NOT_FOUND', err.message, { hint: `The image is not on this engine. Pull it first (docker pull ${spec.image}).` });
      }
      throw err;
    }
    try {
      await container.start();
    } catch (e) {
      await container.remove({ force: true, v: true }).catch(() => undefined); // --rm may have removed it already
      const err = toBerthError(e);
      throw new BerthError(err.code, `The container was created but could not start, so it was removed: ${err.message}`, { hint: err.hint });
    }
    const info = await container.inspect();
    return { id: info.Id, name: info.Name.replace(/^\//, '') };
  }
}

/**
 * Run = (pull, by the pull policy) + create + start, all or nothing: if start fails, the created
 * container is removed again, so a failed run never leaves a half-made container behind.
 */
import { createServer, isIPv6 } from 'node:net';
import { createSocket } from 'node:dgram';
import type Dockerode from 'dockerode';
import { BerthError } from '../../shared/errors';
import type { RunSpec } from '../../shared/run-spec';
import { toBerthError } from '../engine/engine-errors';

const NS_PER_MS = 1e6;

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
    ...(s.hostname ? { Hostname: s.hostname } : {}),
    ...(s.health
      ? {
          Healthcheck: {
            Test: ['CMD-SHELL', s.health.command],
            ...(s.health.intervalMs ? { Interval: s.health.intervalMs * NS_PER_MS } : {}),
            ...(s.health.timeoutMs ? { Timeout: s.health.timeoutMs * NS_PER_MS } : {}),
            ...(s.health.retries ? { Retries: s.health.retries } : {}),
            ...(s.health.startPeriodMs ? { StartPeriod: s.health.startPeriodMs * NS_PER_MS } : {}),
          },
        }
      : s.noHealthcheck
        ? { Healthcheck: { Test: ['NONE'] } }
        : {}),
    Tty: s.tty,
    OpenStdin: s.interactive,
    ExposedPorts: Object.fromEntries(s.ports.map((p) => [key(p), {}])),
    HostConfig: {
      PortBindings: bindings,
      Mounts: s.mounts.map(
        (m) =>
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
      ExtraHosts: s.addHosts.map((h) => `${h.host}:${h.ip}`),
      Privileged: s.privileged,
      Devices: s.devices.map((d) => ({ PathOnHost: d.host, PathInContainer: d.container ?? d.host, CgroupPermissions: d.permissions ?? 'rwm' })),
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

/** An image id, full or short (sha256:… or hex), as the engine lists it. */
const IMAGE_ID = /^(sha256:)?[0-9a-f]{12,64}$/i;
const isNoSuchImage = (e: BerthError) => e.code === 'NOT_FOUND' && /no such image/i.test(e.message);

export class RunService {
  /**
   * `localPorts`: the engine publishes ports on this machine, so they can be checked here first.
   * `pull`: pulls an image (with the registry logins), for the pull policy.
   */
  constructor(
    private readonly docker: Dockerode,
    private readonly localPorts: boolean,
    private readonly pull: (ref: string) => Promise<void>,
  ) {}

  /** Pulls for the run, saying so when it fails: nothing was created yet. */
  private async pullFor(spec: RunSpec): Promise<void> {
    try {
      await this.pull(spec.image);
    } catch (e) {
      const err = toBerthError(e);
      const hint =
        err.code === 'REGISTRY_AUTH' || err.code === 'NOT_FOUND'
          ? err.hint
          : 'Check that the engine reaches the registry (its network, proxy and DNS), or run with the pull policy "never" to use an image already on this engine.';
      throw new BerthError(err.code, `Could not pull ${spec.image}, so nothing was run: ${err.message}`, { hint });
    }
  }

  async run(spec: RunSpec): Promise<{ id: string; name: string }> {
    if (this.localPorts) {
      for (const p of spec.ports) if (p.hostPort) await checkHostPort(p.hostIp, p.hostPort, p.protocol);
    }
    const byId = IMAGE_ID.test(spec.image); // an id names an image on this engine: nothing to pull
    if (spec.pull === 'always' && !byId) await this.pullFor(spec);
    const create = () => this.docker.createContainer(toCreateOptions(spec)).catch((e: unknown) => Promise.reject(toBerthError(e)));
    let container: Dockerode.Container;
    try {
      container = await create();
    } catch (e) {
      const err = e as BerthError;
      if (!isNoSuchImage(err) || spec.pull === 'always') throw err; // (always: pulled just now)
      if (byId)
        throw new BerthError('NOT_FOUND', `There is no image ${spec.image} on this engine.`, {
          hint: 'An image id names an image already here: pick one from Images, or run it by its name to pull it.',
        });
      if (spec.pull === 'never') {
        throw new BerthError('NOT_FOUND', err.message, {
          hint: `The image is not on this engine, and the pull policy is "never". Pull it first (docker pull ${spec.image}), or run with the policy "missing".`,
        });
      }
      await this.pullFor(spec);
      container = await create();
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

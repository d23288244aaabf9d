/**
 * The part of the composition root both shells share (Electron and browser mode): engine
 * connection, services, router and the push-event hub, with one disposer for all of it.
 */
import { createHandlers, createStreamHandlers, type Services } from './api/handlers';
import { ContextsService, vmDockerHost } from './services/contexts';
import { PreferencesService } from './settings';
import { createRouter, type Router } from './api/router';
import { EngineConnection, type EngineConnectionOptions } from './engine/engine-connection';
import { formatEndpoint, parseDockerHost, type EngineEndpoint } from './engine/endpoint';
import { socketName, sshTunnelFor } from './engine/ssh-config';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BerthError } from '../shared/errors';
import { toBerthError } from './engine/engine-errors';
import { EventHub } from './event-hub';
import { JobsBoardService } from './services/jobs-board';
import { ContainersService } from './services/containers';
import { UsageService } from './services/usage';
import { ComposeLogsService } from './services/compose-logs';
import { SwarmServiceLogsService } from './services/swarm-service-logs';
import { VolumeTransferService } from './services/volume-transfer';
import { processUsageReader } from './vm/process-usage';
import { DockerCliService } from './services/docker-cli';
import { ComposeService } from './services/compose';
import { ComposeMemory } from './services/compose-memory';
import { FilesService } from './services/files';
import { DiskService } from './services/disk';
import { VmDiskService } from './services/vm-disk';
import { ImageTransferService } from './services/image-transfer';
import { ImagesService, RegistriesService } from './services/images';
import { DockerLogins } from './services/docker-logins';
import { LoginsService } from './services/logins';
import { RegistryLogins, type SecretCodec } from './services/registry-logins';
import { RegistryBrowser } from './services/registry-browser';
import { paths } from './paths';
import { NetworksService } from './services/networks';
import { openEngineAt, SwarmService, type EngineOpener } from './services/swarm';
import { SwarmServicesService } from './services/swarm-services';
import { SwarmStacksService } from './services/swarm-stacks';
import { SwarmSecretsService } from './services/swarm-secrets';
import { SwarmNetworksService } from './services/swarm-networks';
import { RunService } from './services/run';
import { PortsService } from './services/ports';
import { spawn as spawnPty } from 'node-pty';
import { ExecService } from './terminal/exec';
import { HostShellService } from './terminal/host-shell';
import { VolumesService } from './services/volumes';
import { VmService } from './services/vm';
import { stoppedInfo, VmClient } from './vm/client';
import type { EngineTls, VmInfo } from '../shared/models';

export interface Core {
  hub: EventHub;
  /** The connection to the engine in use (a new one after a context switch). */
  readonly engine: EngineConnection;
  router: Router;
  /** Switches every service to another engine; lists reload through the pushes that follow. */
  use(dockerHost: string, tls?: EngineTls): void;
  dispose(): void;
}

export interface CoreOptions {
  dockerHost: string;
  /** For a tcp:// engine over TLS: its files (DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, or a context's). */
  tls?: EngineTls;
  engine?: EngineConnectionOptions;
  /** Where registry logins are kept (default: in Berth's data folder). */
  registriesFile?: string;
  /** Seals registry passwords with the OS keychain (the desktop app's safeStorage). */
  secrets?: SecretCodec;
  /** Where contexts are kept (default: Berth's settings file). */
  settingsFile?: string;
  /** Where local ends of SSH tunnels listen (default: Berth's data folder). */
  runDir?: string;
  /** The CLI that runs the VM daemon (default: cli.cjs next to this bundle). */
  vmCliPath?: string;
  /** Boot the Berth VM now when it is the engine in use (the "Start the VM with Berth" preference). */
  startVm?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** What an engine's services need of the Berth VM. */
interface VmLink {
  running: () => boolean;
  status: () => VmInfo;
  trim: () => Promise<number>;
}

/** One engine with everything that talks to it. */
function connect(dockerHost: string, tls: EngineTls | undefined, hub: EventHub, opts: CoreOptions, logins: LoginsService, vm: VmLink, openEngine: EngineOpener) {
  const env = opts.env ?? process.env;
  const parsed = parseDockerHost(dockerHost, tls ? 2376 : 2375);
  const endpoint: EngineEndpoint = parsed.kind === 'tcp' && tls ? { ...parsed, tls } : parsed;
  // An ssh:// engine is reached through a local socket forwarded over SSH; the rest of Berth (and
  // the docker CLI in the host terminal) uses that socket like any local engine.
  const tunnel = endpoint.kind === 'ssh' ? sshTunnelFor(endpoint, join(opts.runDir ?? paths.run(env), socketName(dockerHost)), env, homedir()) : undefined;
  const local: EngineEndpoint = tunnel ? parseDockerHost(tunnel.endpoint) : endpoint;
  // The VM's engine is there only while the VM runs: no retries while it is not (its changes nudge).
  const isVm = dockerHost === vmDockerHost(env);
  const holdRetries = isVm ? () => !vm.running() : () => false;
  const engine = new EngineConnection(local, hub, {
    ...opts.engine,
    display: formatEndpoint(endpoint),
    failureReason: () => tunnel?.lastError,
    refusedHostKey: () => tunnel?.refusedHostKeyInfo,
    holdRetries,
  });
  const docker = engine.docker;
  const imageTransfer = new ImageTransferService(docker, logins);
  const files = new FilesService(docker);
  const services = {
    engine,
    trustHostKey: async (fingerprint: string) => {
      if (!tunnel) throw new BerthError('CONFLICT', 'The engine in use is not reached over SSH: there is no host key to trust.');
      tunnel.trustRefusedHostKey(fingerprint);
      return engine.retry();
    },
    containers: new ContainersService(docker),
    usage: new UsageService(docker, { hub, ...(isVm ? { vm: process.platform === 'linux' ? { reader: () => processUsageReader(paths.vmPid(env)) } : {} } : {}) }),
    images: new ImagesService(docker),
    imageTransfer,
    registries: new RegistriesService(docker, logins),
    registryBrowser: new RegistryBrowser((server) => logins.basicAuth(server)),
    // The Berth VM's disk is shown (and compacted) beside df only when the VM is the engine in use.
    disk: new DiskService(docker, isVm ? new VmDiskService({ file: paths.vmDataDisk(env), status: vm.status, trim: vm.trim, wake: () => docker.ping() }) : undefined),
    volumes: new VolumesService(docker),
    networks: new NetworksService(docker),
    swarm: new SwarmService(docker, openEngine),
    swarmServices: new SwarmServicesService(docker),
    stacks: new SwarmStacksService(docker, { dockerHost: formatEndpoint(local), ...(local.kind === 'tcp' && local.tls ? { tls: local.tls } : {}), env }),
    swarmSecrets: new SwarmSecretsService(docker),
    swarmNetworks: new SwarmNetworksService(docker),
    serviceLogs: new SwarmServiceLogsService(docker, hub),
    run: new RunService(docker, endpoint.kind === 'unix', (ref) => imageTransfer.pullQuietly(ref)),
    ports: new PortsService(docker, endpoint, tunnel && ((host, port) => tunnel.forwardPort(host, port))),
    exec: new ExecService(docker),
    files,
    composeLogs: new ComposeLogsService(docker, hub),
    volumeTransfer: new VolumeTransferService(docker, files),
    compose: new ComposeService(docker, { dockerHost: formatEndpoint(local), ...(local.kind === 'tcp' && local.tls ? { tls: local.tls } : {}), memory: new ComposeMemory(paths.composeProjects(env)) }),
    hostShell: new HostShellService(formatEndpoint(local), spawnPty, local.kind === 'tcp' ? local.tls : undefined),
  };
  const start = () => {
    if (!tunnel) return engine.start();
    tunnel.listen().then(
      () => engine.start(),
      (e: Error) => {
        tunnel.lastError = `Cannot listen on ${tunnel.endpoint}: ${e.message}`;
        engine.start(); // reports the engine unreachable, with that reason
      },
    );
  };
  const dispose = () => {
    engine.dispose();
    void tunnel?.close();
  };
  return { engine, services, start, dispose };
}

export function createCore(opts: CoreOptions): Core {
  const hub = new EventHub();
  const env = opts.env ?? process.env;
  const registriesFile = opts.registriesFile ?? paths.registries(env);
  const logins = new LoginsService(new DockerLogins(env), new RegistryLogins(registriesFile, opts.secrets), registriesFile);
  let vm: VmService | undefined;
  const vmClient = new VmClient({ env, ...(opts.vmCliPath ? { cliPath: opts.vmCliPath } : {}) });
  // Paused (auto-pause) counts as running: the engine's socket is there and a call resumes the VM.
  const vmLink: VmLink = { running: () => ['running', 'paused'].includes(vm?.status().state ?? ''), status: () => vm?.status() ?? stoppedInfo(), trim: () => vmClient.trim() };
  // Another engine Berth has, by its context name, for one call (joining it to a swarm).
  const openEngine: EngineOpener = async (name) => {
    const ctx = (await services.contexts.list()).contexts.find((c) => c.name === name);
    if (!ctx) throw new BerthError('NOT_FOUND', `Berth has no engine named "${name}".`, { hint: 'Add it in Settings → Engines, or pick one from the list.' });
    if (ctx.problem) throw new BerthError('CONFLICT', `Berth cannot use the engine "${name}": ${ctx.problem}`);
    if (ctx.active) throw new BerthError('CONFLICT', `"${name}" is the engine in use: it is this swarm's own node.`, { hint: 'Pick another engine to add.' });
    return openEngineAt(name, ctx.host, ctx.tls);
  };
  let current = connect(opts.dockerHost, opts.tls, hub, opts, logins, vmLink, openEngine);
  const use = (dockerHost: string, tls?: EngineTls) => {
    const next = connect(dockerHost, tls, hub, opts, logins, vmLink, openEngine); // throws on a bad address or TLS file: nothing changes then
    current.dispose();
    current = next;
    Object.assign(services, next.services); // the handlers read the services at call time
    hub.emit('engine:status', next.engine.getStatus());
    next.start();
  };
  // One services object for the life of the core: a switch replaces its members.
  const settingsFile = opts.settingsFile ?? paths.settings(env);
  vm = new VmService({
    client: vmClient,
    hub,
    settingsFile,
    env,
    onEngineChange: () => current.engine.nudge(), // the VM's engine socket came or went
  });
  const services: Services = {
    ...current.services,
    contexts: new ContextsService({ settingsFile, env, use, hub }),
    preferences: new PreferencesService(settingsFile, hub, new DockerCliService({ settingsFile, env })),
    vm,
    jobs: new JobsBoardService(hub),
  };
  const router = createRouter(createHandlers(services), createStreamHandlers(services), {
    mapError: toBerthError,
    onError: (e) => {
      if (e.code === 'ENGINE_UNREACHABLE') current.engine.nudge();
    },
  });
  current.start();
  // Its progress and any failure reach every window as vm:status; the engine follows once it answers.
  if (opts.startVm && opts.dockerHost === vmDockerHost(env)) vm.start().catch(() => undefined);
  return {
    hub,
    get engine() {
      return current.engine;
    },
    router,
    use,
    dispose: () => {
      vm.dispose();
      current.dispose();
    },
  };
}

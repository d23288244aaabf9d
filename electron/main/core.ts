/**
 * The part of the composition root both shells share (Electron and browser mode): engine
 * connection, services, router and the push-event hub, with one disposer for all of it.
 */
import { createHandlers, createStreamHandlers } from './api/handlers';
import { createRouter, type Router } from './api/router';
import { EngineConnection, type EngineConnectionOptions } from './engine/engine-connection';
import { formatEndpoint, parseDockerHost, type EngineEndpoint } from './engine/endpoint';
import { socketName, sshTunnelFor } from './engine/ssh-config';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { toBerthError } from './engine/engine-errors';
import { EventHub } from './event-hub';
import { ContainersService } from './services/containers';
import { ComposeService } from './services/compose';
import { FilesService } from './services/files';
import { DiskService } from './services/disk';
import { ImageTransferService } from './services/image-transfer';
import { ImagesService, RegistriesService } from './services/images';
import { RegistryLogins } from './services/registry-logins';
import { paths } from './paths';
import { NetworksService } from './services/networks';
import { RunService } from './services/run';
import { spawn as spawnPty } from 'node-pty';
import { ExecService } from './terminal/exec';
import { HostShellService } from './terminal/host-shell';
import { VolumesService } from './services/volumes';

export interface Core {
  hub: EventHub;
  engine: EngineConnection;
  router: Router;
  dispose(): void;
}

export interface CoreOptions {
  dockerHost: string;
  engine?: EngineConnectionOptions;
  /** Where registry logins are kept (default: in Berth's data folder). */
  registriesFile?: string;
  /** Where local ends of SSH tunnels listen (default: Berth's data folder). */
  runDir?: string;
  env?: NodeJS.ProcessEnv;
}

export function createCore(opts: CoreOptions): Core {
  const hub = new EventHub();
  const env = opts.env ?? process.env;
  const endpoint = parseDockerHost(opts.dockerHost);
  // An ssh:// engine is reached through a local socket forwarded over SSH; the rest of Berth (and
  // the docker CLI in the host terminal) uses that socket like any local engine.
  const tunnel = endpoint.kind === 'ssh' ? sshTunnelFor(endpoint, join(opts.runDir ?? paths.run(env), socketName(opts.dockerHost)), env, homedir()) : undefined;
  const local: EngineEndpoint = tunnel ? parseDockerHost(tunnel.endpoint) : endpoint;
  const engine = new EngineConnection(local, hub, { ...opts.engine, display: formatEndpoint(endpoint), failureReason: () => tunnel?.lastError });
  const docker = engine.docker;
  const logins = new RegistryLogins(opts.registriesFile ?? paths.registries());
  const services = {
    engine,
    containers: new ContainersService(docker),
    images: new ImagesService(docker),
    imageTransfer: new ImageTransferService(docker, logins),
    registries: new RegistriesService(docker, logins),
    disk: new DiskService(docker),
    volumes: new VolumesService(docker),
    networks: new NetworksService(docker),
    run: new RunService(docker, endpoint.kind === 'unix'),
    exec: new ExecService(docker),
    files: new FilesService(docker),
    compose: new ComposeService(docker, { dockerHost: formatEndpoint(local) }),
    hostShell: new HostShellService(formatEndpoint(local), spawnPty),
  };
  const router = createRouter(createHandlers(services), createStreamHandlers(services), {
    mapError: toBerthError,
    onError: (e) => {
      if (e.code === 'ENGINE_UNREACHABLE') engine.nudge();
    },
  });
  if (tunnel) {
    tunnel.listen().then(
      () => engine.start(),
      (e: Error) => {
        tunnel.lastError = `Cannot listen on ${tunnel.endpoint}: ${e.message}`;
        engine.start(); // reports the engine unreachable, with that reason
      },
    );
  } else engine.start();
  return {
    hub,
    engine,
    router,
    dispose: () => {
      engine.dispose();
      void tunnel?.close();
    },
  };
}

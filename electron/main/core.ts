/**
 * The part of the composition root both shells share (Electron and browser mode): engine
 * connection, services, router and the push-event hub, with one disposer for all of it.
 */
import { createHandlers, createStreamHandlers } from './api/handlers';
import { createRouter, type Router } from './api/router';
import { EngineConnection, type EngineConnectionOptions } from './engine/engine-connection';
import { formatEndpoint, parseDockerHost } from './engine/endpoint';
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

/** `registriesFile`: where registry logins are kept (default: in Berth's data folder). */
export function createCore(opts: { dockerHost: string; engine?: EngineConnectionOptions; registriesFile?: string }): Core {
  const hub = new EventHub();
  const endpoint = parseDockerHost(opts.dockerHost);
  const engine = new EngineConnection(endpoint, hub, opts.engine);
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
    compose: new ComposeService(docker, { dockerHost: formatEndpoint(endpoint) }),
    hostShell: new HostShellService(formatEndpoint(endpoint), spawnPty),
  };
  const router = createRouter(createHandlers(services), createStreamHandlers(services), {
    mapError: toBerthError,
    onError: (e) => {
      if (e.code === 'ENGINE_UNREACHABLE') engine.nudge();
    },
  });
  engine.start();
  return { hub, engine, router, dispose: () => engine.dispose() };
}

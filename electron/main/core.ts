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
import { ImagesService } from './services/images';
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

export function createCore(opts: { dockerHost: string; engine?: EngineConnectionOptions }): Core {
  const hub = new EventHub();
  const endpoint = parseDockerHost(opts.dockerHost);
  const engine = new EngineConnection(endpoint, hub, opts.engine);
  const docker = engine.docker;
  const services = {
    engine,
    containers: new ContainersService(docker),
    images: new ImagesService(docker),
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

/** Thin handlers: the router validated the arguments; each one calls a service. */
import type { Handlers, StreamHandlers } from '../router';
import type { EngineStatus } from '../../../shared/models';
import type { EngineConnection } from '../../engine/engine-connection';
import type { ContainersService } from '../../services/containers';
import type { UsageService } from '../../services/usage';
import type { ComposeLogsService } from '../../services/compose-logs';
import type { SwarmServiceLogsService } from '../../services/swarm-service-logs';
import type { VolumeTransferService } from '../../services/volume-transfer';
import type { ImagesService, RegistriesService } from '../../services/images';
import type { ImageTransferService } from '../../services/image-transfer';
import type { RegistryBrowser } from '../../services/registry-browser';
import type { DiskService } from '../../services/disk';
import type { VolumesService } from '../../services/volumes';
import type { NetworksService } from '../../services/networks';
import type { SwarmService } from '../../services/swarm';
import type { SwarmServicesService } from '../../services/swarm-services';
import type { SwarmStacksService } from '../../services/swarm-stacks';
import type { SwarmSecretsService } from '../../services/swarm-secrets';
import type { SwarmNetworksService } from '../../services/swarm-networks';
import { swarmSecretHandlers } from './swarm-secrets';
import type { RunService } from '../../services/run';
import type { PortsService } from '../../services/ports';
import type { ComposeService } from '../../services/compose';
import type { ContextsService } from '../../services/contexts';
import type { PreferencesService } from '../../settings';
import type { VmService } from '../../services/vm';
import type { FilesService } from '../../services/files';
import type { JobsBoardService } from '../../services/jobs-board';
import type { ExecService } from '../../terminal/exec';
import type { HostShellService } from '../../terminal/host-shell';

export interface Services {
  engine: EngineConnection;
  /** "Trust this host" for an ssh:// engine whose host key was refused as unknown. */
  trustHostKey: (fingerprint: string) => Promise<EngineStatus>;
  containers: ContainersService;
  usage: UsageService;
  composeLogs: ComposeLogsService;
  volumeTransfer: VolumeTransferService;
  images: ImagesService;
  imageTransfer: ImageTransferService;
  registries: RegistriesService;
  registryBrowser: RegistryBrowser;
  disk: DiskService;
  volumes: VolumesService;
  networks: NetworksService;
  swarm: SwarmService;
  swarmServices: SwarmServicesService;
  stacks: SwarmStacksService;
  swarmSecrets: SwarmSecretsService;
  swarmNetworks: SwarmNetworksService;
  serviceLogs: SwarmServiceLogsService;
  run: RunService;
  ports: PortsService;
  exec: ExecService;
  files: FilesService;
  compose: ComposeService;
  contexts: ContextsService;
  preferences: PreferencesService;
  vm: VmService;
  hostShell: HostShellService;
  jobs: JobsBoardService;
}

export function createHandlers(s: Services): Handlers {
  return {
    'engine.status': async () => s.engine.getStatus(),
    'engine.retry': () => s.engine.retry(),
    'engine.trustHostKey': ({ fingerprint }) => s.trustHostKey(fingerprint),

    'contexts.list': () => s.contexts.list(),
    'contexts.use': ({ name }) => s.contexts.use(name),
    'contexts.add': ({ name, host }) => s.contexts.add(name, host),
    'contexts.remove': ({ name }) => s.contexts.remove(name),
    'contexts.probe': () => s.contexts.probe(),

    'vm.status': async () => s.vm.status(),
    'vm.start': () => s.vm.start(),
    'vm.stop': () => s.vm.stop(),
    'vm.log': () => s.vm.log(),
    'vm.resources': () => s.vm.resources(),
    'vm.resources.update': (patch) => s.vm.updateResources(patch),
    'preferences.get': () => s.preferences.get(),
    'preferences.update': (patch) => s.preferences.update(patch),
    'preferences.replaceDockerContext': () => s.preferences.replaceDockerContext(),

    'containers.list': () => s.containers.list(),
    'containers.inspect': ({ id }) => s.containers.inspect(id),
    'containers.detail': ({ id }) => s.containers.detail(id),
    'containers.inspectView': ({ id }) => s.containers.inspectView(id),
    'containers.health': ({ id }) => s.containers.health(id),
    'containers.runSpec': ({ id }) => s.containers.runSpec(id),
    'containers.rename': ({ id, name }) => s.containers.rename(id, name),
    'containers.commit': ({ id, ...o }) => s.containers.commit(id, o),
    'containers.action': ({ ids, action }) => s.containers.action(ids, action),
    'containers.run': (spec) => s.run.run(spec),
    'ports.address': ({ id, port, ip }) => s.ports.address(id, port, ip),
    'containers.remove': ({ ids, force, volumes }) => s.containers.remove(ids, { force, volumes }),
    'containers.files.list': ({ id, path }) => s.files.list(id, path),

    'compose.status': ({ recheck }) => s.compose.status(recheck),
    'compose.profiles': (args) => s.compose.profiles(args),
    'compose.project': ({ project }) => s.compose.project(project),

    'images.list': () => s.images.list(),
    'images.inspect': ({ id }) => s.images.inspect(id),
    'images.remove': ({ ids, force }) => s.images.remove(ids, force),
    'images.tag': ({ id, tag }) => s.images.tag(id, tag),
    'images.history': ({ id }) => s.images.history(id),
    'images.detail': ({ id }) => s.images.detail(id),

    'registries.list': () => s.registries.list(),
    'registries.store': (a) => s.registries.store(a.server),
    'registries.login': ({ server, username, password }) => s.registries.login(server, username, password),
    'registries.logout': ({ server }) => s.registries.logout(server),
    'registries.catalog': ({ server }) => s.registryBrowser.catalog(server),
    'registries.tags': ({ server, repository }) => s.registryBrowser.tags(server, repository),

    'disk.usage': () => s.disk.usage(),
    'disk.preview': ({ kind }) => s.disk.preview(kind),
    'disk.cleanup': ({ kind, ids }) => s.disk.cleanup(kind, ids),
    'disk.vm': () => s.disk.vmDisk(),
    'disk.compact': () => s.disk.compact(),

    'volumes.list': () => s.volumes.list(),
    'volumes.inspect': ({ name }) => s.volumes.inspect(name),
    'volumes.detail': ({ name }) => s.volumes.detail(name),
    'volumes.files.list': ({ name, path }) => s.volumeTransfer.list(name, path),
    'volumes.create': (args) => s.volumes.create(args),
    'volumes.remove': ({ names, force }) => s.volumes.remove(names, force),
    'volumes.prune': () => s.volumes.prune(),

    'networks.list': () => s.networks.list(),
    'networks.inspect': ({ id }) => s.networks.inspect(id),
    'networks.detail': ({ id }) => s.networks.detail(id),
    'networks.create': (args) => s.networks.create(args),
    'networks.remove': ({ ids }) => s.networks.remove(ids),
    'networks.connect': ({ network, container }) => s.networks.connect(network, container),
    'networks.disconnect': ({ network, container, force }) => s.networks.disconnect(network, container, force),
    'networks.prune': () => s.networks.prune(),

    'swarm.info': () => s.swarm.info(),
    'swarm.init': ({ advertiseAddr }) => s.swarm.init(advertiseAddr),
    'swarm.joinTokens': () => s.swarm.joinTokens(),
    'swarm.join': ({ remoteAddr, token, advertiseAddr }) => s.swarm.join(remoteAddr, token, advertiseAddr),
    'swarm.addEngine': ({ context, role, advertiseAddr }) => s.swarm.addEngine(context, role, advertiseAddr),
    'swarm.leave': ({ force }) => s.swarm.leave(force),
    'nodes.list': () => s.swarm.nodes(),
    'nodes.update': ({ id, ...change }) => s.swarm.updateNode(id, change),
    'nodes.remove': ({ id, force }) => s.swarm.removeNode(id, force),
    'services.list': () => s.swarmServices.list(),
    'services.create': (spec) => s.swarmServices.create(spec),
    'services.scale': ({ id, replicas }) => s.swarmServices.scale(id, replicas),
    'services.setImage': ({ id, image }) => s.swarmServices.setImage(id, image),
    'services.rollback': ({ id }) => s.swarmServices.rollback(id),
    'services.remove': ({ id }) => s.swarmServices.remove(id),
    'services.tasks': ({ id }) => s.swarmServices.tasks(id),
    'stacks.list': () => s.stacks.list(),
    'stacks.get': ({ name }) => s.stacks.get(name),
    ...swarmSecretHandlers(s),

    'jobs.report': async ({ jobs }) => s.jobs.report(jobs),
  };
}

export function createStreamHandlers(s: Services): StreamHandlers {
  return {
    'containers.logs': ({ id, ...opts }, sink) => s.containers.logs(id, opts, sink),
    'containers.exec': ({ id, cols, rows, ...choice }, sink) => s.exec.shell(id, { cols, rows }, sink, choice),
    'containers.stats': ({ id }, sink) => s.containers.stats(id, sink),
    'containers.usage': (_, sink) => s.usage.watch(sink),
    'compose.logs': (args, sink) => s.composeLogs.logs(args, sink),
    'services.logs': (args, sink) => s.serviceLogs.logs(args, sink),
    'volumes.export': ({ name }, sink) => s.volumeTransfer.export(name, sink),
    'volumes.import': (args, sink) => s.volumeTransfer.import(args, sink),
    'volumes.files.download': ({ name, path }, sink) => s.volumeTransfer.download(name, path, sink),
    'volumes.clone': ({ name, to }, sink) => s.volumeTransfer.clone(name, to, sink),
    'containers.files.download': ({ id, path }, sink) => s.files.download(id, path, sink),
    'containers.export': ({ id }, sink) => s.containers.export(id, sink),
    'containers.files.upload': ({ id, ...file }, sink) => s.files.upload(id, file, sink),
    'compose.up': (args, sink) => s.compose.up(args, sink),
    'compose.down': (args, sink) => s.compose.down(args, sink),
    'compose.service': (args, sink) => s.compose.service(args, sink),
    'compose.images': (args, sink) => s.compose.images(args, sink),
    'compose.watch': (args, sink) => s.compose.watch(args, sink),
    'images.pull': ({ ref }, sink) => s.imageTransfer.pull(ref, sink),
    'images.push': ({ ref }, sink) => s.imageTransfer.push(ref, sink),
    'images.build': (args, sink) => s.imageTransfer.build(args, sink),
    'images.save': ({ ids }, sink) => s.imageTransfer.save(ids, sink),
    'images.load': ({ size }, sink) => s.imageTransfer.load(size, sink),
    'host.shell': (size, sink) => s.hostShell.shell(size, sink),
    'stacks.deploy': (args, sink) => s.stacks.deploy(args, sink),
    'stacks.remove': ({ name }, sink) => s.stacks.remove(name, sink),
  };
}

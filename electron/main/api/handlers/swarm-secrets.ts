/** Thin handlers of swarm secrets, configs and overlay networks (spread into createHandlers). */
import type { SwarmNetworksService } from '../../services/swarm-networks';
import type { SwarmSecretsService } from '../../services/swarm-secrets';
import type { Handlers } from '../router';

type SecretHandlers = Pick<Handlers, 'secrets.list' | 'secrets.create' | 'secrets.attach' | 'secrets.detach' | 'secrets.remove' | 'overlays.list' | 'overlays.create' | 'overlays.remove'>;

export function swarmSecretHandlers(s: { swarmSecrets: SwarmSecretsService; swarmNetworks: SwarmNetworksService }): SecretHandlers {
  return {
    'secrets.list': () => s.swarmSecrets.list(),
    'secrets.create': (args) => s.swarmSecrets.create(args),
    'secrets.attach': ({ kind, name, service, target }) => s.swarmSecrets.attach(kind, name, service, target),
    'secrets.detach': ({ kind, name, service }) => s.swarmSecrets.detach(kind, name, service),
    'secrets.remove': ({ kind, name }) => s.swarmSecrets.remove(kind, name),
    'overlays.list': () => s.swarmNetworks.list(),
    'overlays.create': (args) => s.swarmNetworks.create(args),
    'overlays.remove': ({ name }) => s.swarmNetworks.remove(name),
  };
}

/**
 * A service's spec from forms: the Run dialog's spec mapped to a service (the fields that apply;
 * the others said in words, never dropped silently); ports as `published:target[/proto][@mode]`.
 */
import type { ServiceSpecInput } from '../../electron/shared/models';
import { HOST_GATEWAY, HOST_NETWORK, NO_NETWORK, type RunSpecInput } from '../../electron/shared/run-spec';

/** "8080:80", "8080:80/udp", "8080:80@host" -> a port; undefined when it is not one. */
export function parsePort(text: string): NonNullable<ServiceSpecInput['ports']>[number] | undefined {
  const m = /^(?:(\d{1,5}):)?(\d{1,5})(?:\/(tcp|udp))?(?:@(host|ingress))?$/.exec(text.trim());
  if (!m) return undefined;
  const target = Number(m[2]);
  const published = m[1] ? Number(m[1]) : undefined;
  if (!target || target > 65535 || (published !== undefined && (!published || published > 65535))) return undefined;
  return { target, ...(published ? { published } : {}), ...(m[3] ? { protocol: m[3] as 'tcp' | 'udp' } : {}), ...(m[4] ? { mode: m[4] as 'host' | 'ingress' } : {}) };
}

/** Words split as a shell would not bother to: on spaces, quotes keeping a phrase whole. */
export const words = (text: string) => (text.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^(["'])(.*)\1$/, '$2'));

/** How a service made from the Run dialog runs: its tasks, and how its ports are published. */
export interface ServiceChoice {
  mode: 'replicated' | 'global';
  replicas: number;
  publish: 'ingress' | 'host';
}

/** The Run dialog's spec as a service: the fields that apply, mapped; the ones that do not, said in words. */
export function runSpecToService(spec: RunSpecInput, choice: ServiceChoice): { input: ServiceSpecInput; notApplied: string[]; notes: string[] } | { error: string; field: string } {
  const notApplied: string[] = [];
  const notes: string[] = [];
  if (!spec.name) return { error: 'Name: a service needs one (its tasks are named after it).', field: 'name' };
  if (spec.privileged) notApplied.push('Privileged (--privileged): a service’s tasks cannot be privileged');
  if (spec.devices?.length) notApplied.push('Devices (--device): a service’s tasks get no host devices');
  if (spec.autoRemove) notApplied.push('Remove when it exits (--rm): the swarm keeps a service’s ended tasks as its history');
  if (spec.interactive) notApplied.push('Interactive (-i): a service’s tasks have no stdin to attach to');
  if (spec.pull && spec.pull !== 'missing') notApplied.push(`Pull ${spec.pull}: each node pulls the image the managers pinned when it lacks it`);
  const network = spec.network;
  if (network === HOST_NETWORK || network === NO_NETWORK) notApplied.push(`Network ${network}: a service joins swarm networks (overlay) only`);
  const gateway = (spec.addHosts ?? []).filter((h) => h.ip === HOST_GATEWAY);
  if (gateway.length) notApplied.push(`Add hosts ${gateway.map((h) => `${h.host}:${h.ip}`).join(' ')}: host-gateway is for a container of one engine`);
  const ports = spec.ports ?? [];
  const bound = [...new Set(ports.map((p) => p.hostIp ?? '127.0.0.1').filter((ip) => ip !== '0.0.0.0' && ip !== '::'))];
  if (bound.length)
    notes.push(`Host IP ${bound.join(', ')}: a service publishes its ports on every address of ${choice.publish === 'host' ? 'each node that runs a task' : 'every node'}, not on one.`);
  if (spec.restart === 'unless-stopped') notes.push('Restart unless-stopped: a service restarts its tasks on any end (condition any).');
  const restart = spec.restart ?? 'no';
  const health = spec.noHealthcheck ? ('none' as const) : spec.health;
  const input: ServiceSpecInput = {
    name: spec.name,
    image: spec.image,
    mode: choice.mode,
    ...(choice.mode === 'replicated' ? { replicas: choice.replicas } : {}),
    ...(spec.command?.length ? { command: spec.command } : {}),
    ...(spec.entrypoint?.length ? { entrypoint: spec.entrypoint } : {}),
    ...(spec.env?.length ? { env: spec.env.map((e) => `${e.key}=${e.value}`) } : {}),
    ...(ports.length ? { ports: ports.map((p) => ({ target: p.containerPort, ...(p.hostPort ? { published: p.hostPort } : {}), protocol: p.protocol ?? 'tcp', mode: choice.publish })) } : {}),
    ...(spec.mounts?.length ? { mounts: spec.mounts } : {}),
    ...(spec.labels && Object.keys(spec.labels).length ? { labels: spec.labels } : {}),
    ...(network && network !== HOST_NETWORK && network !== NO_NETWORK ? { networks: [network] } : {}),
    restart: {
      condition: restart === 'no' ? 'none' : restart === 'on-failure' ? 'on-failure' : 'any',
      ...(restart === 'on-failure' && spec.maxRetries !== undefined ? { maxAttempts: spec.maxRetries } : {}),
    },
    ...(spec.cpus ? { cpus: spec.cpus } : {}),
    ...(spec.memoryBytes ? { memoryBytes: spec.memoryBytes } : {}),
    ...(spec.user ? { user: spec.user } : {}),
    ...(spec.workdir ? { workdir: spec.workdir } : {}),
    ...(spec.hostname ? { hostname: spec.hostname } : {}),
    ...(spec.readOnly ? { readOnly: true } : {}),
    ...(spec.init ? { init: true } : {}),
    ...(spec.tty ? { tty: true } : {}),
    ...(spec.capAdd?.length ? { capAdd: spec.capAdd } : {}),
    ...(spec.capDrop?.length ? { capDrop: spec.capDrop } : {}),
    ...((spec.addHosts ?? []).length > gateway.length ? { hosts: spec.addHosts!.filter((h) => h.ip !== HOST_GATEWAY) } : {}),
    ...(health ? { health } : {}),
  };
  return { input, notApplied, notes };
}

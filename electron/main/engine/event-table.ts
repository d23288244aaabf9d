/**
 * Docker /events -> which resource lists changed. One lookup table, no branching spread around.
 * A container's create/destroy also changes image usage counts and volume/network membership.
 */
import type { HealthChange, ResourceKind } from '../../shared/models';

export interface DockerEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

type ActionTable = { [action: string]: readonly ResourceKind[] } & { '*': readonly ResourceKind[] };

const CONTAINER_AND_USAGE = ['containers', 'images', 'volumes', 'networks'] as const;

export const EVENT_TABLE: Record<string, ActionTable> = {
  container: { create: CONTAINER_AND_USAGE, destroy: CONTAINER_AND_USAGE, commit: ['containers', 'images'], '*': ['containers'] },
  image: { '*': ['images'] },
  volume: { '*': ['volumes'] },
  network: { connect: ['networks', 'containers'], disconnect: ['networks', 'containers'], '*': ['networks'] },
  node: { '*': ['swarm'] },
  service: { '*': ['swarm'] },
  secret: { '*': ['swarm'] },
  config: { '*': ['swarm'] },
};

/**
 * Actions that change nothing a list shows (and can be very frequent). A health check's probes are
 * exec_* events; its `health_status` event comes only when the health changes, and the list shows it.
 */
const NOISE = /^(exec_|attach|detach|resize|top|archive-path|extract-to-dir|export|copy)/;

/** "health_status: healthy" -> "health_status": some actions carry their detail after a colon. */
const baseAction = (action: string) => action.split(':', 1)[0]!.trim();

export function kindsForEvent(ev: DockerEvent): readonly ResourceKind[] {
  // Own keys only: an engine (or a hostile one) naming "constructor" or "__proto__" finds nothing.
  const table = typeof ev.Type === 'string' && Object.hasOwn(EVENT_TABLE, ev.Type) ? EVENT_TABLE[ev.Type] : undefined;
  const action = typeof ev.Action === 'string' ? baseAction(ev.Action) : '';
  if (!table || NOISE.test(action)) return [];
  return (Object.hasOwn(table, action) ? table[action] : undefined) ?? table['*'] ?? [];
}

/**
 * A container's health changed: Docker says `health_status: unhealthy`; Podman says `health_status`
 * with the state in the `health_status` attribute. Anything else (or an unknown state) is undefined.
 */
export function healthChange(ev: DockerEvent): HealthChange | undefined {
  if (ev.Type !== 'container' || typeof ev.Action !== 'string' || baseAction(ev.Action) !== 'health_status') return undefined;
  const attrs = ev.Actor?.Attributes && typeof ev.Actor.Attributes === 'object' ? ev.Actor.Attributes : {};
  const told = ev.Action.includes(':') ? ev.Action.slice(ev.Action.indexOf(':') + 1) : attrs['health_status'];
  const status = typeof told === 'string' ? told.trim() : '';
  const id = ev.Actor?.ID;
  if (!HEALTH_STATES.includes(status as HealthChange['status']) || typeof id !== 'string' || !ENGINE_ID.test(id)) return undefined;
  return { id, name: actorName(attrs, id), status: status as HealthChange['status'] };
}

/** Container ids as engines write them (Docker's and Podman's are 64 hex digits). */
export const ENGINE_ID = /^[0-9A-Za-z]{1,128}$/;
const NAME_MAX = 128;

/** The container's name from an event's attributes, fit for a notification: no control characters, not too long. */
export function actorName(attrs: Record<string, unknown>, id: string): string {
  const name = typeof attrs['name'] === 'string' ? attrs['name'].replace(/[\x00-\x1f\x7f-\x9f]/g, '').slice(0, NAME_MAX) : '';
  return name || id.slice(0, 12);
}

const HEALTH_STATES: readonly HealthChange['status'][] = ['starting', 'healthy', 'unhealthy'];

/**
 * Collects changed ids per kind. A change outside a window is pushed at once (leading edge) and
 * opens a window of `delayMs`; changes inside it are pushed together when it closes. So a single
 * change costs no delay, and a burst (100 containers started at once) is a few pushes per list.
 *
 * When a window closes quietly, the kinds pushed last are pushed once more (no ids): the engine
 * sometimes emits an event before the state its lists show is updated (network connect is logged
 * before the container's settings are saved), and this settling push makes every list converge.
 */
export class ChangeCoalescer {
  private pending = new Map<ResourceKind, Set<string>>();
  private settle = new Set<ResourceKind>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly flush: (kind: ResourceKind, ids: string[]) => void,
    private readonly delayMs = 100,
  ) {}

  add(kind: ResourceKind, id?: string): void {
    let ids = this.pending.get(kind);
    if (!ids) this.pending.set(kind, (ids = new Set()));
    if (id) ids.add(id);
    if (!this.timer) this.flushPending(); // outside a window: at once
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
    this.settle.clear();
  }

  private flushPending(): void {
    const pending = this.pending;
    this.pending = new Map();
    for (const [kind, ids] of pending) this.flush(kind, [...ids]);
    for (const kind of pending.keys()) this.settle.add(kind);
    this.timer = setTimeout(() => this.windowEnd(), this.delayMs);
  }

  private windowEnd(): void {
    this.timer = undefined;
    if (this.pending.size) return this.flushPending();
    const settle = this.settle;
    this.settle = new Set();
    for (const kind of settle) this.flush(kind, []);
  }
}

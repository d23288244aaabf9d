/**
 * What the Run dialog says under its image field: whether the typed reference names an image this
 * engine has (busybox is busybox:latest is docker.io/library/busybox:latest), and the local
 * images that match what is typed, as suggestions.
 */
import { checkReference, type ImageReference } from '../../electron/shared/image-ref';
import type { ImageSummary } from '../../electron/shared/models';

/** A reference in the engine's full form: docker.io/library/busybox:latest. */
function canonical(r: ImageReference): string {
  const domain = r.domain === 'index.docker.io' ? 'docker.io' : (r.domain ?? 'docker.io');
  const path = domain === 'docker.io' && !r.path.includes('/') ? `library/${r.path}` : r.path;
  return `${domain}/${path}${r.digest ? `@${r.digest}` : `:${r.tag ?? 'latest'}`}`;
}

export type ImageFieldState = { kind: 'empty' } | { kind: 'invalid'; why: string } | { kind: 'local'; id: string } | { kind: 'missing'; ref: string };

export function imageFieldState(typed: string, images: readonly ImageSummary[]): ImageFieldState {
  const ref = typed.trim();
  if (!ref) return { kind: 'empty' };
  const byId = images.find((i) => i.id === ref || i.id === `sha256:${ref}` || (ref.length >= 12 && /^[0-9a-f]+$/.test(ref) && i.id.startsWith(`sha256:${ref}`)));
  if (byId) return { kind: 'local', id: byId.id };
  const r = checkReference(ref);
  if (typeof r === 'string') return { kind: 'invalid', why: r };
  const want = canonical(r);
  const names = (t: string) => {
    const tr = checkReference(t);
    return typeof tr !== 'string' && canonical(tr) === want;
  };
  const found = images.find((i) => i.tags.some(names) || (r.digest !== undefined && i.digests.some((d) => d.endsWith(`@${r.digest}`))));
  return found ? { kind: 'local', id: found.id } : { kind: 'missing', ref };
}

/** The local tags that contain what is typed, at most `limit`, for the field's suggestions. */
export function imageSuggestions(typed: string, images: readonly ImageSummary[], limit = 20): string[] {
  const q = typed.trim().toLowerCase();
  const tags = [...new Set(images.flatMap((i) => i.tags))].filter((t) => !t.endsWith('<none>'));
  const starts = (t: string) => (t.toLowerCase().startsWith(q) ? 0 : 1); // those that start with it first
  return tags
    .filter((t) => t.toLowerCase().includes(q))
    .sort((a, b) => starts(a) - starts(b) || a.localeCompare(b))
    .slice(0, limit);
}

/** What the image, volume and network pages share: the header, a list of facts, the not-found banner. */
import { useState, type ReactNode } from 'react';
import { loadInspectJson, type Loaded } from '../../stores/details';
import { closeDetail } from '../../stores/ui';

export function DetailHeader({ back, title, badges, actions }: { back: string; title: string; badges?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="toolbar">
      <button onClick={closeDetail} aria-label={`Back to ${back.toLowerCase()}`}>
        ← {back}
      </button>
      <h1 className="mono">{title}</h1>
      {badges}
      {actions && <span className="toolbar-actions">{actions}</span>}
    </header>
  );
}

/** Label and value rows; an empty value shows as a dash. */
export function Facts({ label, rows }: { label: string; rows: [string, ReactNode][] }) {
  return (
    <dl className="summary" aria-label={label}>
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd className="mono">{v === '' || v === undefined || v === null || (Array.isArray(v) && !v.length) ? '—' : v}</dd>
        </div>
      ))}
    </dl>
  );
}

export const lines = (values: string[]) => values.map((v, i) => <div key={i}>{v}</div>);
export const pairs = (o: Record<string, string>) => lines(Object.entries(o).map(([k, v]) => `${k}=${v}`));

/** While loading, when the engine has no such item, or when the load failed: what to say instead of the page. */
export function NotShown({ loaded, noun, asked, back }: { loaded: Loaded<unknown>; noun: string; asked: string; back: string }) {
  if (loaded.missing)
    return (
      <div className="banner banner-info" role="status">
        <span>
          <strong>
            No {noun} {asked} on this engine.
          </strong>{' '}
          The link names {noun === 'image' ? 'an' : 'a'} {noun} that does not exist here (removed, or on another engine).
        </span>
        <button onClick={closeDetail}>Back to {back.toLowerCase()}</button>
      </div>
    );
  if (loaded.error && !loaded.data)
    return (
      <p className="list-error" role="alert">
        Could not load the {noun}: {loaded.error.message}
      </p>
    );
  return <p className="muted">Loading…</p>;
}

/** The engine's inspect JSON, loaded when opened (and again each time). */
export function InspectJson({ view, id }: { view: 'images' | 'volumes' | 'networks'; id: string }) {
  const [text, setText] = useState<string>();
  const load = (open: boolean) => {
    if (!open) return;
    setText('Loading…');
    loadInspectJson(view, id).then(
      (data) => setText(JSON.stringify(data, null, 2)),
      (e: Error) => setText(`Could not inspect: ${e.message}`),
    );
  };
  return (
    <details className="inspect-json" onToggle={(e) => load((e.target as HTMLDetailsElement).open)}>
      <summary>Inspect JSON</summary>
      <pre className="json" aria-label="Inspect JSON" tabIndex={0}>
        {text}
      </pre>
    </details>
  );
}

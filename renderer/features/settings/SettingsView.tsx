import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Badge } from '../../components/Badge';
import { addContext, removeContext, switchContext, useContexts } from '../../stores/contexts';
import { ThemeSelect } from '../../components/ThemeSelect';
import { updatePreferences, usePreferences } from '../../stores/preferences';
import { useSubmit } from '../use-submit';
import { ResourcesForm } from '../vm/VmView';

/** Settings: the engines (contexts) Berth can switch between, the VM's resources, the desktop app, the theme. */
export function SettingsView() {
  const { contexts, error: listError } = useContexts(useShallow((s) => ({ contexts: s.contexts, error: s.error })));
  const prefs = usePreferences((s) => s.prefs);
  const [name, setName] = useState('');
  const [host, setHost] = useState('');
  const { busy, error, submit } = useSubmit(async () => {
    const e = await addContext(name.trim(), host.trim());
    if (!e) {
      setName('');
      setHost('');
    }
    return e;
  });
  return (
    <section className="view">
      <header className="toolbar">
        <h1>Settings</h1>
      </header>
      <h2 className="section-title">Engines</h2>
      <p className="muted small">Every view follows the engine in use. Addresses: unix:///path/to/docker.sock, tcp://host:port, or ssh://user@host[:port][/path/to/docker.sock] (the host key must be in ~/.ssh/known_hosts).</p>
      {listError && <p className="list-error">{listError}</p>}
      <div className="table-wrap">
        <table aria-label="Engines">
          <thead>
            <tr>
              <th>Name</th>
              <th>Address</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {contexts.map((c) => (
              <tr key={c.name}>
                <td>
                  <strong>{c.name}</strong> {c.active && <Badge label="in use" />}
                </td>
                <td className="mono">{c.host}</td>
                <td className="col-actions">
                  <span className="row-actions">
                    {!c.active && <button onClick={() => void switchContext(c.name)}>Use</button>}
                    {!c.builtIn && !c.active && (
                      <button className="danger" onClick={() => void removeContext(c.name)}>
                        Remove
                      </button>
                    )}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form
        className="inline-form"
        aria-label="Add engine"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <input aria-label="Engine name" placeholder="build-server" value={name} onChange={(e) => setName(e.target.value)} />
        <input aria-label="Engine address" className="mono grow" placeholder="ssh://me@build.example.com" value={host} onChange={(e) => setHost(e.target.value)} spellCheck={false} />
        <button type="submit" disabled={busy || !name.trim() || !host.trim()}>
          Add engine
        </button>
      </form>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <ResourcesForm title="Berth VM resources" />
      <h2 className="section-title">Desktop app</h2>
      <label className="check">
        <input type="checkbox" aria-label="Start Berth at login" checked={prefs?.startAtLogin ?? false} disabled={!prefs} onChange={(e) => void updatePreferences({ startAtLogin: e.target.checked })} /> Start Berth at login
        <span className="muted small">(the desktop app; kept in Berth’s settings file)</span>
      </label>
      <h2 className="section-title">Appearance</h2>
      <label className="check">
        Theme{' '}
        <ThemeSelect label="Theme setting" />
      </label>
    </section>
  );
}

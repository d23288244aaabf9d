import { useEffect, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Badge } from '../../components/Badge';
import { tlsWords } from '../../lib/engine-tls';
import { addContext, removeContext, switchContext, useContexts } from '../../stores/contexts';
import { ThemeSelect } from './ThemeSelect';
import { isForeignContextRefusal, loadPreferences, replaceDockerContext, updatePreferences, usePreferences, type Preferences, type SettingsProblems } from '../../stores/preferences';
import { useSubmit } from '../use-submit';
import { ResourcesForm } from '../vm/VmView';

/** What Berth dropped of its settings file on load, and where the file as it was is kept. */
function SettingsFileProblems({ problems }: { problems: SettingsProblems }) {
  return (
    <section className="banner banner-info" role="status" aria-label="Settings file problems">
      <p>
        <strong>Berth could not use everything in its settings file</strong> <span className="mono">{problems.file}</span>:
      </p>
      <ul>
        {problems.warnings.map((w) => (
          <li key={w}>{w}</li>
        ))}
      </ul>
      {problems.copy && (
        <p>
          The file as it was is kept at <span className="mono">{problems.copy}</span>.
        </p>
      )}
    </section>
  );
}

type Switch = { [K in keyof Preferences]-?: NonNullable<Preferences[K]> extends boolean ? K : never }[keyof Preferences];

/** A preference switch with its help text; a change Berth refuses is said below it, in words. */
function PreferenceSwitch({ name, label, help }: { name: Switch; label: string; help: ReactNode }) {
  const { value, ready, refusal } = usePreferences(useShallow((s) => ({ value: s.prefs?.[name] ?? false, ready: !!s.prefs, refusal: s.refusals[name] })));
  return (
    <div className="preference">
      <label className="check">
        <input
          type="checkbox"
          aria-label={label}
          aria-describedby={`pref-${name}-help`}
          checked={value}
          disabled={!ready}
          onChange={(e) => void updatePreferences({ [name]: e.target.checked }, { inline: true })}
        />{' '}
        {label}
      </label>
      <p className="muted small" id={`pref-${name}-help`}>
        {help}
      </p>
      {refusal && (
        <div className="form-error" role="alert" aria-label={`${label}: refused`}>
          <p>{refusal.message}</p>
          {refusal.hint && <p className="hint">{refusal.hint}</p>}
          {name === 'dockerCli' && isForeignContextRefusal(refusal) && <button onClick={() => void replaceDockerContext()}>Replace it (Berth keeps a copy)</button>}
        </div>
      )}
    </div>
  );
}

/** Settings: the engines (contexts) Berth can switch between, the VM's resources, the desktop app, the theme. */
export function SettingsView() {
  const { contexts, problems: cliProblems, error: listError } = useContexts(useShallow((s) => ({ contexts: s.contexts, problems: s.problems, error: s.error })));
  const { prefs, problems } = usePreferences(useShallow((s) => ({ prefs: s.prefs, problems: s.problems })));
  useEffect(() => void loadPreferences(), []);
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
      {problems && <SettingsFileProblems problems={problems} />}
      <h2 className="section-title">Engines</h2>
      <p className="muted small">
        Every view follows the engine in use. Addresses: unix:///path/to/docker.sock, tcp://host:port, or ssh://user@host[:port][/path/to/docker.sock] (the host key must be in ~/.ssh/known_hosts).
      </p>
      <p className="muted small">
        The docker CLI’s contexts are listed by their names, read from its config folder (never written: choosing one here leaves the CLI’s current context as it is). Unless you choose in Berth, the
        engine in use is the docker CLI’s: DOCKER_HOST, then DOCKER_CONTEXT, then its current context; with none of them, the Berth VM.
      </p>
      {listError && <p className="list-error">{listError}</p>}
      {cliProblems.length > 0 && (
        <section className="banner banner-info" role="status" aria-label="Docker CLI problems">
          <p>
            <strong>Berth could not use everything in the docker CLI’s config</strong>:
          </p>
          <ul>
            {cliProblems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </section>
      )}
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
                  <strong>{c.name}</strong> {c.active && <Badge label="in use" />} {c.source === 'docker-cli' && <Badge label="docker CLI" />} {c.tls && <Badge label="TLS" title={tlsWords(c.tls)} />}
                  {c.description && <div className="muted small">{c.description}</div>}
                </td>
                <td>
                  <span className="mono">{c.host}</span>
                  {c.tls && <div className="muted small">{tlsWords(c.tls)}</div>}
                  {c.active && c.why && <div className="muted small">In use: {c.why}</div>}
                  {c.problem && (
                    <div className="form-error small" role="note" aria-label={`${c.name}: cannot be used`}>
                      {c.problem}
                    </div>
                  )}
                </td>
                <td className="col-actions">
                  <span className="row-actions">
                    {!c.active && !c.problem && (
                      <button onClick={() => void switchContext(c.name)} aria-label={`Use ${c.name}`}>
                        Use
                      </button>
                    )}
                    {!c.builtIn && !c.active && (
                      <button className="danger" onClick={() => void removeContext(c.name)} aria-label={`Remove ${c.name}`}>
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
      <h2 className="section-title">Berth VM</h2>
      <PreferenceSwitch name="startVm" label="Start the VM with Berth" help="Berth boots its VM at launch when the VM is the engine in use." />
      <PreferenceSwitch
        name="dockerCli"
        label="Use Berth for the docker CLI"
        help={
          <>
            Sets the docker CLI’s current context to <span className="mono">berth</span> (in its config.json, keeping a backup), so a plain <span className="mono">docker ps</span> in a new terminal
            reaches the Berth VM. Turning it off puts back the context the CLI used before.
          </>
        }
      />
      <PreferenceSwitch
        name="portsOnAllAddresses"
        label="Published ports on all of this computer’s addresses"
        help={
          <>
            Off (the default): a port a VM container publishes is forwarded to <span className="mono">127.0.0.1</span> only, so only this computer reaches it, also when the container publishes on{' '}
            <span className="mono">0.0.0.0</span>. On: a port published on <span className="mono">0.0.0.0</span> is on this computer’s <span className="mono">0.0.0.0</span> too, reachable from your
            network. Applies at once.
          </>
        }
      />
      <ResourcesForm title="Berth VM resources" />
      <h2 className="section-title">Desktop app</h2>
      <label className="check">
        <input
          type="checkbox"
          aria-label="Start Berth at login"
          checked={prefs?.startAtLogin ?? false}
          disabled={!prefs}
          onChange={(e) => void updatePreferences({ startAtLogin: e.target.checked })}
        />{' '}
        Start Berth at login
        <span className="muted small">(the desktop app; kept in Berth’s settings file)</span>
      </label>
      <h2 className="section-title">Appearance</h2>
      <label className="check">
        Theme <ThemeSelect label="Theme setting" />
      </label>
    </section>
  );
}

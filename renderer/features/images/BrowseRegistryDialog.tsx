/**
 * Browse a registry: its repositories (filtered as you type), a repository's tags, and a Pull on
 * each tag. A registry that does not list its repositories (Docker Hub) takes a typed name.
 */
import { useEffect, useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Dialog } from '../../components/Dialog';
import { pullImage, useRegistries, loadRegistries } from '../../stores/image-jobs';
import { browseRegistry, showTags, tagReference, useBrowse } from '../../stores/registry-browse';
import { closeDialog, type Refusal } from '../../stores/ui';

function Refused({ r }: { r: Refusal }) {
  return (
    <div className="banner banner-bad" role="alert">
      <span>{r.message}</span>
      {r.hint && <span className="small"> {r.hint}</span>}
    </div>
  );
}

function Tags({ server }: { server: string }) {
  const { repo, tags, tagsError, loadingTags } = useBrowse(useShallow((s) => ({ repo: s.repo, tags: s.tags, tagsError: s.tagsError, loadingTags: s.loadingTags })));
  if (!repo) return null;
  return (
    <section aria-label={`Tags of ${repo}`}>
      <h3 className="small">Tags of {repo}</h3>
      {loadingTags && <p className="muted">Reading its tags…</p>}
      {tagsError && <Refused r={tagsError} />}
      {tags && !tags.items.length && <p className="muted">{repo} has no tags.</p>}
      {tags && tags.items.length > 0 && (
        <ul className="browse-list" aria-label="Tags">
          {tags.items.map((tag) => {
            const ref = tagReference(server, repo, tag);
            return (
              <li key={tag}>
                <span className="mono">{tag}</span>
                <button type="button" className="small" aria-label={`Pull ${ref}`} onClick={() => void pullImage(ref)}>
                  Pull
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {tags?.more && <p className="muted small">The registry has more tags than Berth reads (10,000).</p>}
    </section>
  );
}

export function BrowseRegistryDialog({ initial }: { initial?: string }) {
  const logins = useRegistries((s) => s.logins);
  const {
    server: shown,
    repos,
    reposError,
    unlisted,
    loadingRepos,
    repo,
  } = useBrowse(useShallow((s) => ({ server: s.server, repos: s.repos, reposError: s.reposError, unlisted: s.unlisted, loadingRepos: s.loadingRepos, repo: s.repo })));
  const [server, setServer] = useState(initial ?? shown ?? '');
  const [filter, setFilter] = useState('');
  const [typed, setTyped] = useState('');
  const listId = useId();
  useEffect(() => {
    void loadRegistries();
    if (initial) void browseRegistry(initial);
  }, [initial]);
  const wanted = filter.trim().toLowerCase();
  const matching = repos?.items.filter((r) => r.includes(wanted)) ?? [];
  return (
    <Dialog title="Browse a registry" wide submitLabel="List" onClose={closeDialog} onSubmit={() => void browseRegistry(server.trim())} submitDisabled={!server.trim()} busy={loadingRepos}>
      <label>
        Registry
        <input className="mono" list={listId} value={server} onChange={(e) => setServer(e.target.value)} placeholder="registry.example.com:5000" spellCheck={false} />
        <datalist id={listId}>
          {logins.map((l) => (
            <option key={l.server} value={l.server} />
          ))}
        </datalist>
      </label>
      <p className="muted small">Read from this computer with the login Berth keeps for it (Images → Registries); an image is pulled by the engine.</p>
      {reposError && <Refused r={reposError} />}
      {unlisted && shown && (
        <div className="row">
          <input
            aria-label="Repository"
            className="mono"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return;
              e.preventDefault(); // its own: not the dialog's List
              if (typed.trim()) void showTags(typed.trim());
            }}
            placeholder="team/app"
            spellCheck={false}
          />
          <button type="button" disabled={!typed.trim()} onClick={() => void showTags(typed.trim())}>
            Show its tags
          </button>
        </div>
      )}
      {repos && (
        <section aria-label={`Repositories of ${shown}`}>
          {repos.items.length > 8 && (
            <input aria-label="Filter repositories" value={filter} onChange={(e) => setFilter(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && e.preventDefault()} placeholder="Filter" />
          )}
          {!repos.items.length && (
            <p className="muted">
              {shown} lists no repositories{logins.some((l) => l.server === shown) ? '' : ' (a login may show more)'}.
            </p>
          )}
          <ul className="browse-list" aria-label="Repositories">
            {matching.map((r) => (
              <li key={r}>
                <button type="button" className="link mono" aria-pressed={r === repo} onClick={() => void showTags(r)}>
                  {r}
                </button>
              </li>
            ))}
          </ul>
          {repos.more && <p className="muted small">The registry has more repositories than Berth reads (10,000): filter, or type a name.</p>}
        </section>
      )}
      {shown && <Tags server={shown} />}
    </Dialog>
  );
}

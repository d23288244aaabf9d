/**
 * The registry browser: a registry's repositories, then one repository's tags, each as the
 * registry answered or the reason it did not. An answer to an earlier question is dropped.
 */
import { create } from 'zustand';
import type { RegistryListing } from '../../electron/shared/models';
import { BerthError } from '../../electron/shared/errors';
import { normaliseServer } from '../../electron/shared/image-ref';
import { api } from '../api';
import { refusalOf, type Refusal } from './ui';

interface BrowseState {
  server?: string;
  repos?: RegistryListing;
  reposError?: Refusal;
  /** It does not list its repositories (Docker Hub): one is typed instead. */
  unlisted?: boolean;
  loadingRepos: boolean;
  repo?: string;
  tags?: RegistryListing;
  tagsError?: Refusal;
  loadingTags: boolean;
}

export const useBrowse = create<BrowseState>(() => ({ loadingRepos: false, loadingTags: false }));

let asked = 0;

/** Lists the repositories of `server`. */
export async function browseRegistry(server: string): Promise<void> {
  const seq = ++asked;
  useBrowse.setState({ server, repos: undefined, reposError: undefined, unlisted: false, loadingRepos: true, repo: undefined, tags: undefined, tagsError: undefined, loadingTags: false });
  try {
    const repos = await api().call('registries.catalog', { server });
    if (seq === asked) useBrowse.setState({ repos, loadingRepos: false });
  } catch (e) {
    if (seq === asked) useBrowse.setState({ reposError: refusalOf(e), unlisted: BerthError.from(e).code === 'NOT_FOUND', loadingRepos: false });
  }
}

/** Lists the tags of one repository of the registry being browsed. */
export async function showTags(repo: string): Promise<void> {
  const server = useBrowse.getState().server;
  if (!server) return;
  const seq = ++asked;
  useBrowse.setState({ repo, tags: undefined, tagsError: undefined, loadingTags: true });
  try {
    const tags = await api().call('registries.tags', { server, repository: repo });
    if (seq === asked) useBrowse.setState({ tags, loadingTags: false });
  } catch (e) {
    if (seq === asked) useBrowse.setState({ tagsError: refusalOf(e), loadingTags: false });
  }
}

/** The reference a tag is pulled by (Docker Hub's, under any of its names, without its host; official images without library/). */
export function tagReference(server: string, repo: string, tag: string): string {
  const host = normaliseServer(server);
  return `${host === 'docker.io' ? repo.replace(/^library\//, '') : `${host}/${repo}`}:${tag}`;
}

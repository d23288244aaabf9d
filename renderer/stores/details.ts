/**
 * The pages of an image, a volume and a network: each loaded in one call and loaded again when
 * its row in the pushed list changes (so the page follows `docker tag`, a container joining, ...).
 */
import { useEffect, useState } from 'react';
import { BerthError } from '../../electron/shared/errors';
import type { ImageDetail, NetworkDetail, VolumeDetail } from '../../electron/shared/models';
import { api } from '../api';

export const loadImage = (id: string): Promise<ImageDetail> => api().call('images.detail', { id });
export const loadVolume = (name: string): Promise<VolumeDetail> => api().call('volumes.detail', { name });
export const loadNetwork = (id: string): Promise<NetworkDetail> => api().call('networks.detail', { id });

/** The engine's own inspect JSON of an image, volume or network (the pages' Inspect section). */
export const loadInspectJson = (view: 'images' | 'volumes' | 'networks', id: string): Promise<unknown> =>
  view === 'images' ? api().call('images.inspect', { id }) : view === 'volumes' ? api().call('volumes.inspect', { name: id }) : api().call('networks.inspect', { id });

export interface Loaded<T> {
  data?: T;
  error?: BerthError;
  /** The engine has no such item (a link to one removed, or on another engine). */
  missing: boolean;
}

/** Loads `load(key)`, again whenever `version` changes; an answer for an earlier key or version is dropped. */
export function useLoaded<T>(load: (key: string) => Promise<T>, key: string, version: unknown): Loaded<T> {
  const [state, setState] = useState<Loaded<T> & { key?: string }>({ missing: false });
  useEffect(() => {
    let current = true;
    load(key).then(
      (data) => current && setState({ key, data, missing: false }),
      (e: unknown) => {
        if (!current) return;
        const error = BerthError.from(e);
        setState((s) => ({ key, ...(s.key === key ? { data: s.data } : {}), error, missing: error.code === 'NOT_FOUND' }));
      },
    );
    return () => {
      current = false;
    };
  }, [load, key, version]);
  return state.key === key ? state : { missing: false };
}

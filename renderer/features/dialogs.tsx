/**
 * Every form dialog, one entry per name of `DialogState`: the mapped type makes a name without an
 * entry (or an entry reading a field its state does not have) a compile error, so opening a new
 * dialog is `openDialog({ kind })` plus one line here.
 */
import type { ReactNode } from 'react';
import { useUi, type DialogKind, type DialogOf } from '../stores/ui';
import { ComposeProjectDialog } from './containers/ComposeProjectDialog';
import { ComposeUpDialog } from './containers/ComposeUpDialog';
import { CommitDialog, RenameDialog } from './containers/ContainerDialogs';
import { RunDialog } from './containers/RunDialog';
import { CleanupDialog } from './disk/DiskView';
import { BrowseRegistryDialog } from './images/BrowseRegistryDialog';
import { HistoryDialog, ImageJobDialog, RegistriesDialog, TagDialog } from './images/ImageDialogs';
import { ConnectDialog, CreateNetworkDialog } from './networks/NetworksView';
import { CloneVolumeDialog } from './volumes/VolumeDetail';
import { CreateVolumeDialog, ImportVolumeDialog } from './volumes/VolumesView';

export type DialogRegistry = { [K in DialogKind]: (state: DialogOf<K>) => ReactNode };

export const DIALOGS: DialogRegistry = {
  run: () => <RunDialog />,
  'compose-up': () => <ComposeUpDialog />,
  'compose-project': (d) => <ComposeProjectDialog project={d.project} />,
  'image-job': (d) => <ImageJobDialog kind={d.job} initial={d.initial} />,
  'image-tag': (d) => <TagDialog id={d.id} />,
  'image-history': (d) => <HistoryDialog id={d.id} />,
  registries: () => <RegistriesDialog />,
  'registry-browse': (d) => <BrowseRegistryDialog initial={d.server} />,
  cleanup: (d) => <CleanupDialog what={d.what} />,
  'volume-create': () => <CreateVolumeDialog />,
  'volume-import': () => <ImportVolumeDialog />,
  'volume-clone': (d) => <CloneVolumeDialog name={d.name} size={d.size} />,
  'network-create': () => <CreateNetworkDialog />,
  'network-connect': (d) => <ConnectDialog networkId={d.networkId} networkName={d.networkName} />,
  'container-rename': (d) => <RenameDialog id={d.id} name={d.name} />,
  'container-commit': (d) => <CommitDialog id={d.id} name={d.name} />,
};

/** The open dialog, if any. Each entry is its own component type, so another kind mounts afresh. */
export function DialogLayer() {
  const dialog = useUi((s) => s.dialog);
  if (!dialog) return null;
  // One cast, where TypeScript cannot pair a union's member with its entry; the registry's type checks each pair.
  const Entry = DIALOGS[dialog.kind] as (state: typeof dialog) => ReactNode;
  return <Entry {...dialog} />;
}

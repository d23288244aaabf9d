import type { ImageSummary } from '../../../electron/shared/models';
import { Badge } from '../../components/Badge';
import { formatBytes, relativeTime, shortId } from '../../lib/format';
import { removeImages, removeOpen } from '../../stores/actions';
import { loadImage, useLoaded } from '../../stores/details';
import { images } from '../../stores/resources';
import { openRunDialog } from '../../stores/run-form';
import { openContainer, openDialog } from '../../stores/ui';
import { DetailHeader, Facts, InspectJson, lines, NotShown, pairs } from '../details/DetailPage';
import { LayersTable } from './LayersTable';

/** The row of the list that the URL's id, short id or tag names. */
const rowFor = (asked: string) => (i: ImageSummary) => i.id === asked || i.id === `sha256:${asked}` || i.tags.includes(asked) || (asked.length >= 12 && i.id.startsWith(`sha256:${asked}`));

/** The id as a URL names it: the hex without "sha256:". */
export const imagePlace = (id: string) => id.replace(/^sha256:/, '');

export function ImageDetail({ id: asked }: { id: string }) {
  const row = images.use((s) => s.items.find(rowFor(asked)));
  const loaded = useLoaded(loadImage, asked, row);
  const i = loaded.data;
  const title = i ? (i.tags.includes(asked) ? asked : (i.tags[0] ?? shortId(i.id))) : asked; // the tag the link names, when it is one
  return (
    <section className="view detail">
      <DetailHeader
        back="Images"
        title={title}
        badges={i?.dangling && <Badge label="dangling" />}
        actions={
          i && (
            <>
              <button onClick={() => openRunDialog(i.tags[0] ?? i.id)}>Run…</button>
              <button onClick={() => openDialog({ kind: 'image-tag', id: i.id })}>Tag…</button>
              {i.tags.length > 0 && <button onClick={() => openDialog({ kind: 'image-job', job: 'push', initial: i.tags[0] })}>Push…</button>}
              <button onClick={() => openDialog({ kind: 'image-job', job: 'save', initial: i.id })}>Save…</button>
              <button className="danger" onClick={() => void removeOpen(removeImages, i.id, asked)}>
                Remove
              </button>
            </>
          )
        }
      />
      {!i || loaded.missing ? (
        <NotShown loaded={loaded} noun="image" asked={asked} back="Images" />
      ) : (
        <div className="detail-body">
          <Facts
            label="Image"
            rows={[
              ['Tags', lines(i.tags)],
              ['Id', i.id],
              ['Digests', lines(i.digests)],
              ['Size', formatBytes(i.size)],
              ['Created', `${new Date(i.created).toLocaleString()} (${relativeTime(i.created)})`],
              ['Platform', `${i.os}/${i.architecture}`],
            ]}
          />
          <h2>Config</h2>
          <Facts
            label="Config"
            rows={[
              ['Entrypoint', i.config.entrypoint.length ? JSON.stringify(i.config.entrypoint) : ''],
              ['Command', i.config.cmd.length ? JSON.stringify(i.config.cmd) : ''],
              ['Working dir', i.config.workingDir],
              ['User', i.config.user],
              ['Exposed ports', i.config.exposedPorts.join(', ')],
              ['Environment', lines(i.config.env)],
              ['Labels', pairs(i.config.labels)],
            ]}
          />
          <h2>Used by</h2>
          {i.usedBy.length ? (
            <ul className="chips" aria-label="Containers using it">
              {i.usedBy.map((c) => (
                <li className="chip" key={c.id}>
                  <button className="link" onClick={() => openContainer(c.id)}>
                    {c.name}
                  </button>{' '}
                  <Badge label={c.state} />
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">No container uses it.</p>
          )}
          <h2>Layers</h2>
          <LayersTable layers={i.layers} />
          <InspectJson view="images" id={i.id} />
        </div>
      )}
    </section>
  );
}

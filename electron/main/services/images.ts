import type Dockerode from 'dockerode';
import type { BulkResult } from '../../shared/api-contract';
import { BerthError } from '../../shared/errors';
import { normaliseServer, parseReference, repository } from '../../shared/image-ref';
import type { HistoryLayer, ImageDetail, ImageSummary, LoginStore } from '../../shared/models';
import { toContainerSummary } from './containers';
import { registryError } from '../engine/json-stream';
import type { LoginsService } from './logins';
import { bulk } from './bulk';

const NONE = '<none>:<none>';

export function toImageSummary(i: Dockerode.ImageInfo, usage: Map<string, number>): ImageSummary {
  const tags = (i.RepoTags ?? []).filter((t) => t !== NONE);
  const digests = (i.RepoDigests ?? []).filter((d) => d !== '<none>@<none>');
  return {
    id: i.Id,
    tags,
    digests,
    size: i.Size,
    created: i.Created * 1000,
    containers: usage.get(i.Id) ?? 0,
    dangling: tags.length === 0,
  };
}

export class ImagesService {
  constructor(private readonly docker: Dockerode) {}

  async list(): Promise<ImageSummary[]> {
    const [images, containers] = await Promise.all([this.docker.listImages(), this.docker.listContainers({ all: true })]);
    const usage = new Map<string, number>();
    for (const c of containers) usage.set(c.ImageID, (usage.get(c.ImageID) ?? 0) + 1);
    return images.map((i) => toImageSummary(i, usage));
  }

  inspect(id: string): Promise<unknown> {
    return this.docker.getImage(id).inspect();
  }

  /** The page: config, layers and the containers made from it (stopped ones too), in one answer. */
  async detail(id: string): Promise<ImageDetail> {
    const info = await this.docker.getImage(id).inspect();
    const [layers, containers] = await Promise.all([this.history(info.Id), this.docker.listContainers({ all: true })]);
    const users = containers.filter((c) => c.ImageID === info.Id).map(toContainerSummary);
    const c = info.Config ?? ({} as Partial<Dockerode.ImageInspectInfo['Config']>);
    const summary = toImageSummary(
      { Id: info.Id, RepoTags: info.RepoTags, RepoDigests: info.RepoDigests, Size: info.Size, Created: Date.parse(info.Created) / 1000 } as Dockerode.ImageInfo,
      new Map([[info.Id, users.length]]),
    );
    return {
      ...summary,
      architecture: info.Architecture,
      os: info.Os,
      config: {
        entrypoint: asList(c.Entrypoint),
        cmd: asList(c.Cmd),
        env: c.Env ?? [],
        exposedPorts: Object.keys(c.ExposedPorts ?? {}),
        labels: c.Labels ?? {},
        workingDir: c.WorkingDir ?? '',
        user: c.User ?? '',
      },
      layers,
      usedBy: users.map((u) => ({ id: u.id, name: u.name, state: u.state })),
    };
  }

  remove(ids: string[], force: boolean): Promise<BulkResult[]> {
    return bulk(ids, async (id) => this.docker.getImage(id).remove({ force: force || (await this.untagsWhole(id)) }));
  }

  /**
   * An image asked for by id that has several tags: the engine refuses it unforced ("referenced in multiple
   * repositories"), though what the user asked is plain: untag it and delete it. So when no container uses it, it
   * is removed forced (every tag, one call); when one does, it is refused as the engine refuses an image in use.
   */
  private async untagsWhole(id: string): Promise<boolean> {
    const info = await this.docker.getImage(id).inspect();
    const tags = info.RepoTags ?? [];
    const byId = /^(sha256:)?[0-9a-f]{12,64}$/.test(id) && info.Id.startsWith(id.startsWith('sha256:') ? id : `sha256:${id}`); // not a tag, nor a name such as "nginx"
    if (tags.length < 2 || !byId) return false;
    const users = (await this.docker.listContainers({ all: true })).filter((c) => c.ImageID === info.Id);
    if (users.length)
      throw new BerthError(
        'CONFLICT',
        `The image ${tags.join(', ')} is being used by ${users.length === 1 ? 'container' : 'containers'} ${users.map((c) => c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12)).join(', ')}.`,
        {
          hint: 'Remove the containers first, or tick Force to untag it anyway.',
        },
      );
    return true;
  }

  async tag(id: string, ref: string): Promise<void> {
    const r = parseReference(ref);
    if (r.digest) throw new BerthError('INVALID_ARGUMENT', 'A tag cannot carry a digest.');
    await this.docker.getImage(id).tag({ repo: repository(r), tag: r.tag ?? 'latest' });
  }

  async history(id: string): Promise<HistoryLayer[]> {
    const layers = (await this.docker.getImage(id).history()) as { Id: string; Created: number; CreatedBy: string; Size: number; Tags: string[] | null; Comment: string }[];
    return layers.map((l) => ({
      id: l.Id,
      created: l.Created * 1000,
      createdBy: instruction(l.CreatedBy),
      size: l.Size,
      tags: l.Tags ?? [],
      comment: l.Comment,
    }));
  }
}

/** Entrypoint and Cmd are a list, a shell string (old images) or null. */
const asList = (v: string | string[] | null | undefined): string[] => (v == null ? [] : Array.isArray(v) ? v : [v]);

/**
 * The Dockerfile line behind a history entry. The classic builder writes "/bin/sh -c #(nop) "
 * before non-RUN instructions, "/bin/sh -c " for RUN, and "|<n> K=V ... " first when build args
 * were in effect (shown after the command here). BuildKit writes the instruction itself ("RUN
 * |<n> K=V /bin/sh -c ...", "COPY . /app") and " # buildkit" after it.
 */
export function instruction(createdBy: string): string {
  const bk = /^(.*?) # buildkit$/s.exec(createdBy);
  if (bk && !bk[1]!.startsWith('RUN ')) return bk[1]!.trim(); // BuildKit's text is the instruction
  const text = bk ? bk[1]!.slice(4) : createdBy;
  const args = /^\|(\d+) (.*?)(?=\/bin\/sh -c )/.exec(text);
  const rest = args ? text.slice(args[0].length) : text;
  const line = bk
    ? `RUN ${rest.replace(/^\/bin\/sh -c /, '').trim()}`
    : rest
        .replace(/^\/bin\/sh -c #\(nop\)\s*/, '')
        .replace(/^\/bin\/sh -c /, 'RUN ')
        .trim();
  return args ? `${line}   # ${args[2]!.trim()}` : line;
}

/** Registry logins: checked with the registry through the engine before they are kept. */
export class RegistriesService {
  constructor(
    private readonly docker: Dockerode,
    private readonly logins: LoginsService,
  ) {}

  list() {
    return this.logins.list();
  }

  /** Where a new login for `server` is kept (a credential helper, or unencrypted in the docker config). */
  store(server?: string) {
    return this.logins.target(server);
  }

  /** Checks the login with the registry, then keeps it where the docker CLI keeps logins; resolves to where that is. */
  async login(server: string, username: string, password: string): Promise<LoginStore> {
    const key = normaliseServer(server);
    try {
      await this.docker.checkAuth({ username, password, serveraddress: key === 'docker.io' ? 'https://index.docker.io/v1/' : key });
    } catch (e) {
      const status = (e as { statusCode?: number }).statusCode;
      const msg = (e as { json?: { message?: string } }).json?.message ?? (e as Error).message;
      throw status === 401 ? new BerthError('REGISTRY_AUTH', `${key} refused the login: ${msg}`) : registryError(msg);
    }
    return this.logins.save(key, username, password);
  }

  async logout(server: string): Promise<void> {
    if (!(await this.logins.remove(server))) throw new BerthError('NOT_FOUND', `Berth has no login for ${normaliseServer(server)}.`);
  }
}

import type Dockerode from 'dockerode';
import type { BulkResult } from '../../shared/api-contract';
import type { ImageSummary } from '../../shared/models';
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

  remove(ids: string[], force: boolean): Promise<BulkResult[]> {
    return bulk(ids, (id) => this.docker.getImage(id).remove({ force }));
  }
}

import { describe, expect, it } from 'vitest';
import type { ImageSummary } from '../../electron/shared/models';
import { imageFieldState, imageSuggestions } from './image-field';

const img = (id: string, tags: string[], digests: string[] = []): ImageSummary => ({ id: `sha256:${id.padEnd(64, '0')}`, tags, digests, size: 1, created: 0, containers: 0, dangling: !tags.length });
const images = [
  img('aa', ['busybox:latest', 'busybox:1.36']),
  img('bb', ['127.0.0.1:5000/team/api:1.0'], ['127.0.0.1:5000/team/api@sha256:' + 'c'.repeat(64)]),
  img('cc', ['docker.io/someone/tool:2']),
];

describe('the Run dialog image field', () => {
  it('knows an image this engine has, by any name Docker gives it', () => {
    for (const typed of ['busybox', 'busybox:latest', 'docker.io/library/busybox', 'index.docker.io/library/busybox:latest', ' busybox:1.36 '])
      expect(imageFieldState(typed, images)).toEqual({ kind: 'local', id: images[0]!.id });
    expect(imageFieldState('someone/tool:2', images)).toEqual({ kind: 'local', id: images[2]!.id });
    expect(imageFieldState(`127.0.0.1:5000/team/api@sha256:${'c'.repeat(64)}`, images)).toEqual({ kind: 'local', id: images[1]!.id });
    expect(imageFieldState('aa0000000000', images)).toEqual({ kind: 'local', id: images[0]!.id }); // a short id
  });

  it('says a missing one, a malformed one, and nothing typed', () => {
    expect(imageFieldState('busybox:1.37', images)).toEqual({ kind: 'missing', ref: 'busybox:1.37' });
    expect(imageFieldState('127.0.0.1:5000/team/api', images)).toEqual({ kind: 'missing', ref: '127.0.0.1:5000/team/api' }); // :latest is not :1.0
    expect(imageFieldState('a//b', images)).toMatchObject({ kind: 'invalid', why: expect.stringContaining('empty part') });
    expect(imageFieldState('Busybox', images)).toMatchObject({ kind: 'invalid' });
    expect(imageFieldState('  ', images)).toEqual({ kind: 'empty' });
  });

  it('suggests local tags that contain what is typed, those starting with it first', () => {
    expect(imageSuggestions('bus', images)).toEqual(['busybox:1.36', 'busybox:latest']);
    expect(imageSuggestions('api', images)).toEqual(['127.0.0.1:5000/team/api:1.0']);
    expect(imageSuggestions('', images, 2)).toHaveLength(2);
    expect(imageSuggestions('t', images)).toEqual(['127.0.0.1:5000/team/api:1.0', 'busybox:latest', 'docker.io/someone/tool:2']); // none starts with t
  });
});

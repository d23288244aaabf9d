import { describe, expect, it } from 'vitest';
import { tagReference } from './registry-browse';

describe('the reference a browsed tag is pulled by', () => {
  it('names Docker Hub under any of its names as the engine does, and other registries by host', () => {
    expect(tagReference('docker.io', 'library/nginx', '1.27')).toBe('nginx:1.27');
    expect(tagReference('https://index.docker.io/v1/', 'library/nginx', '1.27')).toBe('nginx:1.27');
    expect(tagReference('registry-1.docker.io', 'me/app', '2')).toBe('me/app:2');
    expect(tagReference('127.0.0.1:5000', 'team/app', 'x')).toBe('127.0.0.1:5000/team/app:x');
    expect(tagReference('https://reg.example.com/', 'library/app', 'x')).toBe('reg.example.com/library/app:x');
  });
});

import { describe, expect, it } from 'vitest';
import { keptWhere, newLoginWords } from './login-store';

describe('where a login is kept, in words', () => {
  it('names the helper, or says unencrypted and names the file', () => {
    expect(keptWhere({ kind: 'helper', helper: 'docker-credential-pass', file: '/h/.docker/config.json' })).toBe('kept by docker-credential-pass');
    expect(keptWhere({ kind: 'config', file: '/h/.docker/config.json' })).toBe('unencrypted in config.json');
    expect(keptWhere({ kind: 'berth', file: '/h/.local/share/berth/registries.json' })).toBe("in Berth's own file, from before");
    expect(newLoginWords({ kind: 'config', file: '/h/.docker/config.json' })).toEqual({
      text: expect.stringMatching(/^Your password will be stored unencrypted in \/h\/\.docker\/config\.json/),
      warning: true,
    });
    expect(newLoginWords({ kind: 'helper', helper: 'docker-credential-pass', file: '/h/.docker/config.json' })).toMatchObject({
      warning: false,
      text: expect.stringContaining('kept by docker-credential-pass (named in /h/.docker/config.json)'),
    });
    // The CLI's own pick, where the config names no store: said as such, not as named there.
    expect(newLoginWords({ kind: 'helper', helper: 'docker-credential-pass', file: '/h/.docker/config.json', picked: true })).toEqual({
      warning: false,
      text: expect.stringMatching(/kept by docker-credential-pass, the docker CLI's own pick: \/h\/\.docker\/config\.json names no store/),
    });
  });
});

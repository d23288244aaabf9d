import { describe, expect, it } from 'vitest';
import { deployReason, lineOfKey, placeError } from './swarm-stacks';

describe('stack file errors in words', () => {
  const text = 'version: "3.8"\nservices:\n  web:\n    image: x\n    colour: red\n  db:\n    image: y\n';

  it('finds a key that is there once, and not one that is there twice or not at all', () => {
    expect(lineOfKey(text, 'colour')).toBe(5);
    expect(lineOfKey(text, 'image')).toBeUndefined();
    expect(lineOfKey(text, 'nothing')).toBeUndefined();
    expect(lineOfKey('a:\n  "we.b": 1\n', 'we.b')).toBe(2); // quoted, and a dot is not "any character"
    expect(lineOfKey('a:\n  weXb: 1\n', 'we.b')).toBeUndefined();
  });

  it('places a YAML error at its line and a schema error at the key it names', () => {
    expect(placeError('yaml: line 4: did not find expected key', text)).toEqual({ line: 4, words: 'did not find expected key' });
    expect(placeError('services.web Additional property colour is not allowed', text)).toEqual({ line: 5, words: 'services.web Additional property colour is not allowed' });
    expect(placeError('services.db.image must be a string', text)).toEqual({ words: 'services.db.image must be a string' }); // "image" is there twice
    expect(placeError('non-string key in networks: false', text).words).toContain('put the name under networks in quotes');
    expect(placeError('something else', text)).toEqual({ words: 'something else' });
  });

  it("says the CLI's deploy failures with what to do", () => {
    expect(deployReason('service web: secret not found: pw')).toMatchObject({ words: expect.stringContaining('external secret "pw"'), hint: expect.stringContaining('pw') });
    expect(deployReason('service web: config not found: c')).toMatchObject({ words: expect.stringContaining('external config "c"') });
    expect(deployReason('network "front" is declared as external, but could not be found. You need to create a swarm-scoped network before the stack is deployed')).toMatchObject({
      words: expect.stringContaining('external network "front"'),
    });
    expect(deployReason('failed to create service s_x: Error response from daemon: rpc error: code = InvalidArgument desc = name must be 63 characters or fewer').hint).toBe(
      'Use a shorter stack or service name.',
    );
    expect(deployReason('anything')).toEqual({ words: 'anything' });
  });
});

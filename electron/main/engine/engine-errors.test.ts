import { describe, expect, it } from 'vitest';
import { BerthError } from '../../shared/errors';
import { engineMessage, toBerthError } from './engine-errors';

const modem = (statusCode: number, message: string) => ({ statusCode, json: { message }, message: `(HTTP code ${statusCode}) unexpected - ${message} ` });

describe('engine error mapping', () => {
  it.each([
    [modem(404, 'No such container: x'), 'NOT_FOUND'],
    [modem(400, 'invalid reference format'), 'INVALID_ARGUMENT'],
    [modem(409, 'You cannot remove a running container abc. Stop the container before attempting removal or force remove'), 'CONFLICT'],
    [modem(409, 'remove v1: volume is in use - [abc]'), 'IN_USE'],
    [modem(409, 'conflict: unable to remove repository reference "x" (must force) - container abc is using its referenced image def'), 'IN_USE'],
    [modem(403, 'error while removing network: network n id 1 has active endpoints'), 'IN_USE'],
    [modem(403, 'bridge is a pre-defined network and cannot be removed'), 'CONFLICT'],
    [modem(409, 'Conflict. The container name "/web" is already in use by container "abc". You have to remove (or rename) that container to be able to reuse that name.'), 'CONFLICT'],
    [modem(500, 'driver failed'), 'ENGINE_ERROR'],
    [
      modem(
        500,
        'container create: creating container storage: the container name "p2" is already in use by 6603. You have to remove that container to be able to reuse that name: that name is already in use',
      ),
      'CONFLICT',
    ], // Podman's service
  ])('%# maps to %s with the engine reason', (err, code) => {
    const e = toBerthError(err);
    expect(e.code).toBe(code);
    expect(e.message).toBe(err.json.message);
  });

  it.each([
    [modem(409, 'You cannot remove a running container abc. Stop the container before attempting removal or force remove'), 'Stop it first, or use force.'],
    [modem(409, 'Conflict. The container name "/web" is already in use by container "abc".'), 'Pick another name, or remove the one that has it.'],
    [modem(409, 'network with name n1 already exists'), 'Pick another name, or remove the one that has it.'],
    [
      modem(
        500,
        'container create: creating container storage: the container name "p2" is already in use by 6603. You have to remove that container to be able to reuse that name: that name is already in use',
      ),
      'Pick another name, or remove the one that has it.',
    ],
    [modem(403, 'bridge is a pre-defined network and cannot be removed'), 'It clashes with something that exists; the reason above says what.'],
  ])('%# a conflict gets the hint that fits it', (err, hint) => {
    expect(toBerthError(err).hint).toBe(hint);
  });

  it.each(['ECONNREFUSED', 'ENOENT', 'EPIPE', 'ECONNRESET'])('%s means the engine is unreachable', (code) => {
    const e = toBerthError(Object.assign(new Error(`connect ${code} /x.sock`), { code }));
    expect(e.code).toBe('ENGINE_UNREACHABLE');
    expect(e.fatal).toBe(true);
    expect(e.hint).toMatch(/reconnect/i);
  });

  it.each([301, 302, 307, 308])('an HTTP %i (a redirect, never followed) is an engine error in words', (statusCode) => {
    const e = toBerthError({ statusCode, json: null, message: `(HTTP code ${statusCode}) unexpected - ` });
    expect(e.code).toBe('ENGINE_ERROR');
    expect(e.message).toMatch(new RegExp(`redirect \\(HTTP ${statusCode}\\).*never follows`));
  });

  it('what the engine sent that is not JSON is an engine error, not a bug in Berth', () => {
    let thrown: unknown;
    try {
      JSON.parse('{"status":"Downloading","progressDetail":{');
    } catch (e) {
      thrown = e;
    }
    const e = toBerthError(thrown);
    expect(e.code).toBe('ENGINE_ERROR');
    expect(e.message).toMatch(/cannot read/);
  });

  it('keeps BerthErrors and calls anything else INTERNAL', () => {
    const b = new BerthError('CONFLICT', 'x');
    expect(toBerthError(b)).toBe(b);
    expect(toBerthError(new Error('weird')).code).toBe('INTERNAL');
    expect(toBerthError(undefined).code).toBe('INTERNAL');
  });

  it("strips docker-modem's prefix when the body is not JSON", () => {
    expect(engineMessage({ statusCode: 409, message: '(HTTP code 409) unexpected - name taken ' })).toBe('name taken');
    expect(engineMessage({ statusCode: 500, json: 'plain text body\n' })).toBe('plain text body');
  });
});

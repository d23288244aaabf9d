import { describe, expect, it } from 'vitest';
import { fieldDomId, fieldLabel, refusalField } from './run-fields';
import type { RunForm } from './run-fields';
import { emptyForm } from './run-form-spec';

const form = (patch: Partial<RunForm>): RunForm => ({ ...emptyForm('nginx'), ...patch });
const port = (hostPort: string, containerPort = '80') => ({ hostIp: '127.0.0.1', hostPort, containerPort, protocol: 'tcp' as const });

describe('run fields', () => {
  it('names fields as the dialog labels them', () => {
    expect(fieldLabel('memory')).toBe('Memory');
    expect(fieldLabel('ports.0.hostPort')).toBe('Port 1 host port');
    expect(fieldLabel('mounts.2.target')).toBe('Volume 3 container path');
    expect(fieldLabel('env.1.key')).toBe('Variable 2 name');
    expect(fieldLabel('labels.0.key')).toBe('Label 1 key');
    expect(fieldDomId('ports.0.hostPort')).toBe('run-ports-0-hostPort');
  });

  it.each<[string, Partial<RunForm>, string | undefined]>([
    // Berth's own check, and the engine's words when it checks the port itself
    ['Host port 127.0.0.1:18080/tcp is already in use', { ports: [port('8080'), port('18080')] }, 'ports.1.hostPort'],
    ['driver failed programming external connectivity on endpoint x: Bind for 127.0.0.1:18080 failed: port is already allocated', { ports: [port('18080')] }, 'ports.0.hostPort'],
    ['listen tcp4 127.0.0.1:18080: bind: address already in use', { ports: [port('18080')] }, 'ports.0.hostPort'],
    ['Host port 127.0.0.1:9/tcp is already in use', { ports: [port('18080')] }, undefined], // not a port of this form
    ['Conflict. The container name "/web" is already in use by container "abc". You have to remove (or rename) that container to be able to reuse that name.', {}, 'name'],
    ['No such image: nope:latest', {}, 'image'],
    ['invalid reference format', {}, 'image'],
    ['network backend not found', { network: 'backend' }, 'network'],
    ['invalid mount config for type "bind": bind source path does not exist: /no/such', { mounts: [{ type: 'bind', source: '/no/such', target: '/x', readOnly: false, size: '' }] }, 'mounts.0.source'],
    ['unable to find user nobody2: no matching entries in passwd file', { user: 'nobody2' }, 'user'],
    ['OCI runtime create failed: exec: "nope": executable file not found in $PATH: unknown', { command: 'nope' }, 'command'],
    ['OCI runtime create failed: exec: "nope": executable file not found in $PATH: unknown', { command: 'x', entrypoint: 'nope' }, 'entrypoint'],
    ['OCI runtime create failed: exec: "nope": executable file not found in $PATH: unknown', {}, undefined], // the image's own command: no field
    ['invalid CapAdd: unknown capability: "CAP_NOPE"', { capAdd: 'CAP_NOPE' }, 'capAdd'],
    ['invalid CapDrop: unknown capability: "CAP_NOPE"', { capDrop: 'CAP_NOPE' }, 'capDrop'],
    ['Duplicate mount point: /data', {}, undefined], // two rows at once: beside Run
    ['Cannot reach the engine', {}, undefined],
  ])('refusal %j -> %j', (message, patch, field) => {
    expect(refusalField(form(patch), message)).toBe(field);
  });
});

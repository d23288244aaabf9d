import { describe, expect, it } from 'vitest';
import { execChoiceOf } from './exec-choice';

describe('terminal options', () => {
  it.each([
    [{ command: '', user: '', workdir: '' }, { choice: {} }],
    [{ command: `psql -U postgres -c 'select 1'`, user: ' 0 ', workdir: '/var/lib' }, { choice: { command: ['psql', '-U', 'postgres', '-c', 'select 1'], user: '0', workdir: '/var/lib' } }],
    [{ command: 'ash', user: 'www-data:www-data', workdir: '' }, { choice: { command: ['ash'], user: 'www-data:www-data' } }],
    [{ command: `echo 'oops`, user: '', workdir: '' }, { error: "Command: unclosed ' quote" }],
    [{ command: '', user: 'a b', workdir: '' }, { error: 'User: must be user, uid, or user:group' }],
    [{ command: '', user: '', workdir: 'tmp' }, { error: 'Working folder: must be an absolute path (start with /)' }],
  ])('%o -> %o', (form, result) => expect(execChoiceOf(form)).toEqual(result));
});

import { describe, expect, it } from 'vitest';
import { importProblem } from './volume-import';

const tar = { name: 'data.tar', size: 10_240 };

describe('importProblem', () => {
  it('names what is wrong with the form, in words', () => {
    expect(importProblem('  ', tar)).toBe('The volume name is needed.');
    expect(importProblem('a'.repeat(129), tar)).toBe('The volume name is 129 characters long: 128 at most.');
    expect(importProblem('../etc', tar)).toBe('The volume name must start with a letter or digit and use only letters, digits, "_", "." and "-".');
    expect(importProblem('data')).toBe('Choose a tar file to import.');
    expect(importProblem('data', { name: 'empty.tar', size: 0 })).toBe('empty.tar is empty: choose a tar archive, such as one Export made.');
  });

  it('takes a right form', () => {
    expect(importProblem(' my-data_1.x ', tar)).toBeUndefined();
  });
});

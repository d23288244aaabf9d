import { describe, expect, it } from 'vitest';
import { importProblem, nameProblem } from './volume-import';

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

describe('nameProblem', () => {
  it('refuses a name the engine already has, and a bad one, before anything is sent', () => {
    expect(nameProblem('pg-data', ['pg-data', 'other'])).toBe('A volume named pg-data already exists: choose another name.');
    expect(nameProblem(' pg-data ', ['pg-data'])).toBe('A volume named pg-data already exists: choose another name.');
    expect(nameProblem('a b', [])).toMatch(/must start with a letter or digit/);
    expect(nameProblem('pg-data-copy', ['pg-data'])).toBeUndefined();
  });
});

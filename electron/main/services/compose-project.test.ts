import { describe, expect, it } from 'vitest';
import { parsePs, serviceRows, sourceFromLabels } from './compose-project';

describe('a compose project read back', () => {
  it('reads ps --format json as lines or as one array, skipping what is not a container', () => {
    const web = { Service: 'web', State: 'running', Status: 'Up 2 seconds (healthy)', Health: 'healthy', ExitCode: 0 };
    const job = { Service: 'job', State: 'exited', Status: 'Exited (3) 1 second ago', ExitCode: 3 };
    expect(parsePs(`${JSON.stringify(web)}\n${JSON.stringify(job)}\n`)).toEqual([
      { service: 'web', state: 'running', status: 'Up 2 seconds (healthy)', health: 'healthy' },
      { service: 'job', state: 'exited', status: 'Exited (3) 1 second ago', exitCode: 3 },
    ]);
    expect(parsePs(JSON.stringify([web, { Service: 'x', State: 'odd' }, 7, null]))).toHaveLength(1);
    expect(parsePs('')).toEqual([]);
    expect(parsePs('not json')).toEqual([]);
  });

  it('lists every declared service, not created ones too, and ones only the engine has, by name; a replica that runs says the state', () => {
    const rows = serviceRows(
      ['web', 'db', 'cache'],
      [
        { service: 'web', state: 'exited', exitCode: 1 },
        { service: 'web', state: 'running', status: 'Up' },
        { service: 'db', state: 'created' },
        { service: 'old', state: 'exited', exitCode: 0 },
      ],
    );
    expect(rows).toEqual([
      { service: 'cache', state: 'not created', containers: 0 },
      { service: 'db', state: 'created', containers: 1 },
      { service: 'old', state: 'exited', containers: 1, exitCode: 0 },
      { service: 'web', state: 'running', containers: 2, status: 'Up' },
    ]);
  });

  it('takes the files, env file and folder of a project started elsewhere from its labels', () => {
    expect(
      sourceFromLabels({
        'com.docker.compose.project.config_files': '/a/compose.yaml,/a/dev.yaml',
        'com.docker.compose.project.working_dir': '/a',
        'com.docker.compose.project.environment_file': '/a/.env',
      }),
    ).toEqual({ files: ['/a/compose.yaml', '/a/dev.yaml'], workingDir: '/a', envFile: '/a/.env' });
    expect(sourceFromLabels({ 'com.docker.compose.project.working_dir': '/a' })).toBeUndefined();
  });
});

/**
 * Runs that cannot start: a cwd that does not exist (or is a file), a command that is not executable (EACCES),
 * one that is not found (ENOENT). Each is answered 201 with the run already `failed`, a failureReason that says
 * why, and the same reason written into the run's log, so the log view shows it too.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startTestApp, TestApp } from './test-app';

jest.setTimeout(60_000);

describe('runs that cannot start', () => {
  let t: TestApp;
  let experimentId: string;
  let tmp: string;

  beforeAll(async () => {
    t = await startTestApp();
    experimentId = (await t.request('POST', '/api/experiments', { name: 'start-failures' })).body.id;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-start-'));
    fs.writeFileSync(path.join(tmp, 'not-executable.sh'), '#!/bin/sh\necho never\n', { mode: 0o644 });
    fs.writeFileSync(path.join(tmp, 'a-file'), 'x');
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const cases = (): [string, Record<string, unknown>, RegExp][] => [
    ['a cwd that does not exist', { command: ['true'], cwd: path.join(tmp, 'missing/dir') }, new RegExp(`working directory ${tmp}/missing/dir does not exist`)],
    ['a cwd that is a file', { command: ['true'], cwd: path.join(tmp, 'a-file') }, /is not a directory/],
    ['a command that is not executable (EACCES)', { command: [path.join(tmp, 'not-executable.sh')] }, /EACCES/],
    ['a command that is not found (ENOENT)', { command: ['python4-does-not-exist', 'train.py'] }, /spawn python4-does-not-exist ENOENT/],
    ['a relative command that is not executable', { command: ['./not-executable.sh'], cwd: tmp }, /EACCES/],
  ];

  it.each([0, 1, 2, 3, 4])('fails the run with a clear reason, in the run and in its log (case %i)', async (i) => {
    const [what, body, reason] = cases()[i];
    const created = await t.request('POST', `/api/experiments/${experimentId}/runs`, body);
    expect({ what, status: created.status }).toEqual({ what, status: 201 });
    expect(created.body).toMatchObject({ status: 'failed', exitCode: null, startedAt: null });
    expect(created.body.failureReason).toMatch(reason);
    expect(created.body.finishedAt).toEqual(expect.any(String));
    const log = Buffer.from((await t.request('GET', `/api/runs/${created.body.id}/logs`)).body.data, 'base64').toString();
    expect(log).toContain(`failed to start: ${created.body.failureReason}`);
    expect(created.body.logSize).toBe(Buffer.byteLength(log));
    const stream = await fetch(`${t.baseUrl}/api/runs/${created.body.id}/logs/stream`);
    const events = await stream.text();
    expect(events).toContain('event: end');
  });
});

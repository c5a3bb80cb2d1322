import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'dist/cli.js');
const charter = 'examples/paris-2013/charter.ts';
const plan = 'examples/paris-2013/plan.json';

/** Runs the built CLI as a real child process. */
function run(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Each case starts real Node processes, loading a TypeScript charter: seconds on a busy machine.
describe('the charterguard CLI', { timeout: 60_000 }, () => {
  beforeAll(() => {
    if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does)');
  });

  it('checks the 2013 plan: the report on stdout, exit 1 for violations', () => {
    const { code, stdout, stderr } = run('check', charter, plan);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(stdout).toContain('✗ 9 envois sur 20 ne seraient pas autorisés (9 refusés, 0 à examiner)');
    expect(stdout).toContain('Art. 4 — Trois courriels au plus par candidat aux pré-inscrits (QUOTA_EXCEEDED)');
    expect(stdout).not.toContain('\u001b[');
  });

  it('exits 0 for a compliant plan, in Markdown and English', () => {
    const folder = mkdtempSync(join(tmpdir(), 'charterguard-cli-'));
    const clean = join(folder, 'plan.json');
    writeFileSync(clean, JSON.stringify({ recipients: [], sends: [] }));
    const { code, stdout } = run('check', charter, clean, '--format', 'markdown', '--locale', 'en');
    expect(code).toBe(0);
    expect(stdout).toContain('✅ all 0 deliveries would be allowed.');
  });

  it('prints JSON with --format json', () => {
    const { code, stdout } = run('check', charter, plan, '--format=json');
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ ok: false, summary: { deliveries: 20 } });
  });

  it('exits 2 with a clear message for bad input', () => {
    expect(run('check', charter, 'missing.json')).toMatchObject({ code: 2, stderr: 'charterguard: cannot read missing.json: ENOENT\n' });
    const folder = mkdtempSync(join(tmpdir(), 'charterguard-cli-'));
    const badPlan = join(folder, 'plan.json');
    writeFileSync(badPlan, JSON.stringify({ recipients: [], sends: [{ at: '2013-05-20T10:00', message: { id: 'm', channel: 'email', sender: { id: 'a', role: 'candidate' } }, to: ['nobody'] }] }));
    const bad = run('check', charter, badPlan);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("sends[0].to[0]: unknown recipient 'nobody'");
    const badCharter = join(folder, 'charter.json');
    writeFileSync(badCharter, JSON.stringify({ id: 'c', title: 'C', timezone: 'Europe/Pari', rules: [] }));
    expect(run('check', badCharter, plan)).toMatchObject({ code: 2, stderr: expect.stringContaining("timezone: unknown IANA time zone 'Europe/Pari' — did you mean 'Europe/Paris'?") });
    expect(run('check', charter, plan, '--format', 'pdf')).toMatchObject({ code: 2, stderr: 'charterguard: --format must be text, markdown or json, got pdf\n' });
    expect(run('frobnicate')).toMatchObject({ code: 2 });
    expect(run()).toMatchObject({ code: 2 });
  });

  it('explains one send', () => {
    const folder = mkdtempSync(join(tmpdir(), 'charterguard-cli-'));
    const send = join(folder, 'send.json');
    writeFileSync(send, JSON.stringify({
      message: { id: 'sms', channel: 'sms', sender: { id: 'a', role: 'candidate' } },
      recipient: { id: 'r', phone: '06 12 34 56 78' },
      now: '2013-05-02T10:00:00+02:00',
    }));
    const { code, stdout } = run('explain', charter, send, '--locale', 'en');
    expect(code).toBe(1);
    expect(stdout).toBe('DENIED\n- The charter does not mention sms at all, and what it does not permit is refused.\n');
  });

  it('prints the schema, the help and the version', () => {
    expect(JSON.parse(run('schema').stdout)).toMatchObject({ $schema: expect.stringContaining('2020-12') });
    expect(run('--help')).toMatchObject({ code: 0, stdout: expect.stringContaining('charterguard check <charter> <plan>') });
    expect(run('--version').stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('loads charters from .json and .mjs files too', () => {
    const folder = mkdtempSync(join(tmpdir(), 'charterguard-cli-'));
    const input = { id: 'c', title: 'C', timezone: 'Europe/Paris', rules: [{ id: 'p', kind: 'permit', when: { channels: ['email'] } }] };
    writeFileSync(join(folder, 'charter.json'), JSON.stringify(input));
    writeFileSync(join(folder, 'charter.mjs'), `export default ${JSON.stringify(input)};`);
    const empty = join(folder, 'plan.json');
    writeFileSync(empty, JSON.stringify({ recipients: [], sends: [] }));
    expect(run('check', join(folder, 'charter.json'), empty).code).toBe(0);
    expect(run('check', join(folder, 'charter.mjs'), empty).code).toBe(0);
  });
});

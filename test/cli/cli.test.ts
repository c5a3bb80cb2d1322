import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPlan, formatReport } from 'charterguard';
import { beforeAll, describe, expect, it } from 'vitest';
import { charterInput, charter as paris2013 } from '../../examples/paris-2013/charter.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'dist/cli.js');
const charter = 'examples/paris-2013/charter.ts';
const plan = 'examples/paris-2013/plan.json';
/** The same charter as JSON, which a child process loads without compiling TypeScript: seconds saved per case. */
const jsonCharter = join(mkdtempSync(join(tmpdir(), 'charterguard-cli-')), 'charter.json');
writeFileSync(jsonCharter, JSON.stringify(charterInput));

/** Runs the built CLI as a real child process. */
function run(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 1 << 28 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the CLI and closes its stdout after the first chunk, as `| head -1` does. */
function runClosingStdout(...args: string[]): Promise<{ code: number | null; stderr: string; received: number }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    let received = 0;
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.stdout.once('data', (chunk: Buffer) => {
      received = chunk.length;
      child.stdout.destroy();
    });
    child.on('error', reject);
    child.on('close', (code) => done({ code, stderr, received }));
  });
}

/** Writes a send file for `explain` and returns its path. */
function sendFile(send: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'charterguard-cli-')), 'send.json');
  writeFileSync(path, JSON.stringify(send));
  return path;
}

/** A plan of one SMS to `count` members: the 2013 charter covers no SMS, so every delivery is refused. */
function refusedPlan(count: number) {
  const recipients = Array.from({ length: count }, (_, i) => ({ id: `member-${i}`, phone: `06 12 ${String(10 + (i % 90))} ${String(10 + (Math.floor(i / 90) % 90))} 78` }));
  const message = { id: 'sms', channel: 'sms', sender: { id: 'candidate-a', role: 'candidate' } };
  return { recipients, sends: [{ at: '2013-05-20T10:00', message, to: recipients.map((recipient) => recipient.id) }] };
}

const email = { id: 'voters-1', channel: 'email', sender: { id: 'candidate-a', role: 'candidate', candidate: 'candidate-a' }, via: 'csp', audience: 'preRegistered' };
const voter = { id: 'voter-1', email: 'electeur.1@example.fr', audiences: ['preRegistered'], source: 'primaryRegister', relationship: 'occasional' };

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
    const voters = ['v1', 'v2'].map((id) => ({ id, email: `${id}@example.fr`, audiences: ['preRegistered'], source: 'primaryRegister' }));
    const message = { id: 'm', channel: 'email', sender: { id: 'candidate-a', role: 'candidate', candidate: 'candidate-a' }, via: 'csp', audience: 'preRegistered' };
    writeFileSync(clean, JSON.stringify({ recipients: voters, sends: [{ at: '2013-05-14T10:00', message, to: { audience: 'preRegistered' } }] }));
    const { code, stdout } = run('check', charter, clean, '--format', 'markdown', '--locale', 'en');
    expect(code).toBe(0);
    expect(stdout).toContain('✅ all 2 deliveries would be allowed.');
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
    expect(run('check', badCharter, plan)).toMatchObject({ code: 2, stderr: expect.stringContaining(`charterguard: ${badCharter}: Invalid charter`) });
    expect(run('check', badCharter, plan)).toMatchObject({ code: 2, stderr: expect.stringContaining("timezone: unknown IANA time zone 'Europe/Pari' — did you mean 'Europe/Paris'?") });
    // A JavaScript charter with a syntax error: where it is, with the line and a caret.
    const broken = join(folder, 'charter.mjs');
    writeFileSync(broken, 'export default {\n  id: "c",;\n};\n');
    expect(run('check', broken, plan)).toMatchObject({ code: 2, stderr: `charterguard: cannot load ${broken}:2: Unexpected token ';'\n    id: "c",;\n            ^\n` });
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

  it('refuses unknown options and extra arguments as bad input, naming them', () => {
    expect(run('check', jsonCharter, plan, '--fromat', 'markdown')).toMatchObject({ code: 2, stdout: '', stderr: 'charterguard: unknown option --fromat — did you mean --format?\n' });
    expect(run('check', jsonCharter, plan, '--fromat=markdown')).toMatchObject({ code: 2, stderr: 'charterguard: unknown option --fromat — did you mean --format?\n' });
    expect(run('check', jsonCharter, plan, '--verbose')).toMatchObject({ code: 2, stderr: 'charterguard: unknown option --verbose; try --help\n' });
    expect(run('check', jsonCharter, plan, '-f', 'json')).toMatchObject({ code: 2, stderr: 'charterguard: unknown option -f; try --help\n' });
    expect(run('check', jsonCharter, plan, 'other.json')).toMatchObject({ code: 2, stdout: '', stderr: "charterguard: unexpected argument 'other.json'; usage: charterguard check <charter> <plan>\n" });
    expect(run('schema', 'now')).toMatchObject({ code: 2, stderr: "charterguard: unexpected argument 'now'; usage: charterguard schema\n" });
    expect(run('check', jsonCharter, plan, '--format')).toMatchObject({ code: 2, stderr: 'charterguard: --format needs a value: text, markdown or json\n' });
    expect(run('check', jsonCharter, plan, '--no-color=yes')).toMatchObject({ code: 2, stderr: 'charterguard: --no-color takes no value\n' });
    expect(run('check', jsonCharter, plan, '--format=json', '--format', 'text')).toMatchObject({ code: 2, stdout: '', stderr: 'charterguard: --format is given twice\n' });
    expect(run('-h')).toMatchObject({ code: 0, stdout: expect.stringContaining('charterguard check <charter> <plan>') });
    const send = sendFile({ message: email, recipient: voter, now: '2013-05-20T10:00:00+02:00' });
    expect(run('explain', jsonCharter, send, '--format', 'json')).toMatchObject({ code: 2, stdout: '', stderr: 'charterguard: --format does not apply to explain\n' });
    expect(run('chekc', jsonCharter, plan)).toMatchObject({ code: 2, stderr: "charterguard: unknown command 'chekc' — did you mean 'check'?\n" });
    // A file whose name starts with a dash still reads after `--`.
    expect(run('check', jsonCharter, '--', plan)).toMatchObject({ code: 1, stderr: '' });
  });

  it('refuses a send file without a message or a recipient as bad input, with the path', () => {
    for (const value of [[], null, 'send']) {
      const path = sendFile(value);
      expect(run('explain', jsonCharter, path)).toMatchObject({ code: 2, stdout: '', stderr: `charterguard: ${path}: expected an object { message, recipient, now? }\n` });
    }
    for (const value of [{}, { now: '2013-05-20T10:00' }]) {
      const path = sendFile(value);
      expect(run('explain', jsonCharter, path)).toMatchObject({ code: 2, stdout: '', stderr: `charterguard: ${path} (2 issues):\n  - message: missing\n  - recipient: missing\n` });
    }
    const missing = sendFile({ message: email });
    expect(run('explain', jsonCharter, missing)).toMatchObject({ code: 2, stdout: '', stderr: `charterguard: ${missing}: recipient: missing\n` });
    const typo = sendFile({ message: email, recipients: voter });
    expect(run('explain', jsonCharter, typo)).toMatchObject({ code: 2, stdout: '', stderr: `charterguard: ${typo} (2 issues):\n  - recipient: missing\n  - recipients: unknown field — did you mean 'recipient'?\n` });
    const badMessage = sendFile({ message: { ...email, channel: 42 }, recipient: voter });
    expect(run('explain', jsonCharter, badMessage)).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/^charterguard: .*send\.json.*message\.channel: Invalid input: expected string, received number\n$/s) });
  });

  it('reads the time of a send as plans do: a local date-time in the charter\'s zone, or an instant', () => {
    // The official campaign, which permits this email, opens on 13 May 2013 at 00:00 in Paris (22:00 UTC the day before).
    const at = (now: string) => run('explain', jsonCharter, sendFile({ message: email, recipient: voter, now }), '--locale', 'en');
    const local = at('2013-05-13T00:30');
    // Inside the campaign the permit applies; the quota asks for review, there being no ledger.
    expect(local).toMatchObject({ code: 1, stderr: '', stdout: expect.stringMatching(/^NEEDS REVIEW\n/) });
    expect(at('2013-05-13T00:30:00+02:00')).toEqual(local);
    expect(at('2013-05-12T22:30:00Z')).toEqual(local);
    // Read in UTC this would be 01:30 in Paris, inside the campaign; read in Paris it is before it.
    expect(at('2013-05-12T23:30')).toMatchObject({ code: 1, stdout: expect.stringMatching(/^DENIED\n/) });
    const gap = sendFile({ message: email, recipient: voter, now: '2013-03-31T02:30' });
    expect(run('explain', jsonCharter, gap)).toMatchObject({ code: 2, stdout: '', stderr: `charterguard: ${gap}: now: '2013-03-31T02:30' does not exist in Europe/Paris (a daylight-saving gap)\n` });
    const garbage = sendFile({ message: email, recipient: voter, now: 'tomorrow' });
    expect(run('explain', jsonCharter, garbage)).toMatchObject({ code: 2, stdout: '', stderr: `charterguard: ${garbage}: now: 'tomorrow' is not a date-time of the calendar\n` });
  });

  it('ends quietly when stdout is closed early, as by `| head -1`', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'charterguard-cli-'));
    const big = join(folder, 'plan.json');
    writeFileSync(big, JSON.stringify(refusedPlan(20_000)));
    const result = await runClosingStdout('check', jsonCharter, big, '--format', 'json');
    expect(result.received).toBeGreaterThan(0);
    expect(result).toMatchObject({ code: 1, stderr: '' });
  });

  it('writes the JSON report byte for byte as formatReport does, however many violations', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'charterguard-cli-'));
    const big = join(folder, 'plan.json');
    const bigPlan = refusedPlan(20_000);
    writeFileSync(big, JSON.stringify(bigPlan));
    for (const [path, value] of [[plan, JSON.parse(readFileSync(join(root, plan), 'utf8')) as unknown], [big, bigPlan]] as const) {
      const { code, stdout, stderr } = run('check', jsonCharter, path, '--format', 'json');
      const report = await checkPlan(value, { charter: paris2013 });
      expect(stderr).toBe('');
      expect(code).toBe(1);
      expect(report.violations).toHaveLength(path === big ? 20_000 : 9);
      expect(stdout === formatReport(report, { format: 'json' })).toBe(true);
      expect(JSON.parse(stdout)).toMatchObject({ summary: { deliveries: report.summary.deliveries } });
    }
  });
});

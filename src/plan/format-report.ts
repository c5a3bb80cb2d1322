import { formatPath } from '../charter/issues.js';
import { maskContacts } from '../contact/mask.js';
import type { Locale } from '../charter/schema.js';
import { localDateTime } from '../decision/local-format.js';
import type { Reason } from '../decision/types.js';
import type { PlanReport, PlanViolation } from './report.js';

/** Options of {@link formatReport}. */
export interface FormatReportOptions {
  /** `text` for terminals, `markdown` for a pull-request comment, `json` for machines. */
  format?: 'text' | 'markdown' | 'json';
  /** The language of headings; defaults to the report's. */
  locale?: Locale;
  /** ANSI colours in `text` (the CLI turns them on for a TTY unless `NO_COLOR` is set). */
  color?: boolean;
  /**
   * `markdown` only: the most characters to write, 60,000 by default (a GitHub comment holds
   * 65,536). Table rows past it are left out and counted in one closing line.
   */
  maxLength?: number;
}

/** The default {@link FormatReportOptions.maxLength}: under GitHub's 65,536 characters per comment. */
const MARKDOWN_LIMIT = 60_000;

/** Violations of one send grouped by reason: a line of the report however many recipients. */
interface Group {
  send: number;
  at: string;
  messageId: string;
  code: string;
  ruleId: string | undefined;
  article: string | undefined;
  title: string | undefined;
  message: string;
  /** Whether recipients of the group were given other sentences than `message` (their facts differ). */
  varies: boolean;
  recipients: number;
  /** For a time reason: the earliest and latest `notBefore` of the group's deliveries. */
  earliest: string | undefined;
  latest: string | undefined;
}

const EN = new Intl.NumberFormat('en-US');
const FR = new Intl.NumberFormat('fr-FR');
const en = (n: number) => EN.format(n);
const fr = (n: number) => FR.format(n);

const WORDS = {
  en: {
    number: en,
    ok: (n: number) => (n === 0 ? 'the plan makes no deliveries' : n === 1 ? 'the 1 delivery would be allowed' : `all ${en(n)} deliveries would be allowed`),
    bad: (bad: number, n: number, deny: number, review: number) => `${en(bad)} of ${en(n)} ${n === 1 ? 'delivery' : 'deliveries'} would not be allowed (${en(deny)} denied, ${en(review)} to review)`,
    violations: 'Violations', warnings: 'Warnings', quotas: 'Quotas', coverage: 'Coverage', exercised: 'exercised', unreached: 'never reached',
    send: 'send', recipients: (n: number) => `${en(n)} ${n === 1 ? 'recipient' : 'recipients'}`,
    from: (earliest: string, latest: string) => (earliest === latest ? `allowed from ${earliest}` : `allowed from ${earliest} to ${latest}, by recipient`),
    example: 'e.g.', more: (n: number) => `… and ${en(n)} more ${n === 1 ? 'row' : 'rows'}: \`--format json\` lists them all.`,
    sendColumn: 'Send', recipientsColumn: 'Recipients', article: 'Article', rule: 'Rule', reason: 'Reason', explanation: 'Explanation', counter: 'Counter', used: 'Used', limit: 'Limit',
  },
  fr: {
    number: fr,
    ok: (n: number) => (n === 0 ? 'le plan ne fait aucun envoi' : n === 1 ? 'le seul envoi serait autorisé' : `les ${fr(n)} envois seraient autorisés`),
    // French agrees with the number before the noun, and takes 0 and 1 as singular.
    bad: (bad: number, n: number, deny: number, review: number) =>
      `${fr(bad)} ${bad < 2 ? 'envoi' : 'envois'} sur ${fr(n)} ne ${bad < 2 ? 'serait' : 'seraient'} pas ${bad < 2 ? 'autorisé' : 'autorisés'} (${fr(deny)} ${deny < 2 ? 'refusé' : 'refusés'}, ${fr(review)} à examiner)`,
    violations: 'Infractions', warnings: 'Avertissements', quotas: 'Quotas', coverage: 'Couverture', exercised: 'exercés', unreached: 'jamais atteints',
    send: 'envoi', recipients: (n: number) => `${fr(n)} ${n === 1 ? 'destinataire' : 'destinataires'}`,
    from: (earliest: string, latest: string) => (earliest === latest ? `possible à partir du ${earliest}` : `possible entre le ${earliest} et le ${latest} selon le destinataire`),
    example: 'p. ex.', more: (n: number) => `… et ${fr(n)} ${n === 1 ? 'autre ligne' : 'autres lignes'} : \`--format json\` les donne toutes.`,
    sendColumn: 'Envoi', recipientsColumn: 'Destinataires', article: 'Article', rule: 'Règle', reason: 'Motif', explanation: 'Explication', counter: 'Compteur', used: 'Utilisé', limit: 'Limite',
  },
} as const;

/**
 * Renders a plan report: aligned text for terminals, Markdown for a pull-request comment,
 * or JSON. Repeated violations are grouped per send and reason ("Art. 4 — …: 12,430
 * recipients") rather than listed one line per recipient.
 *
 * @param report - from {@link checkPlan}.
 * @param options - format, language, colours.
 * @returns the rendered report.
 * @example
 * ```ts
 * process.stdout.write(formatReport(report, { format: 'markdown' }));
 * ```
 */
export function formatReport(report: PlanReport, options: FormatReportOptions = {}): string {
  const format = options.format ?? 'text';
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  const words = WORDS[options.locale ?? report.locale];
  const groups = groupViolations(report.violations);
  const { allow, deny, review } = report.summary.verdicts;
  const total = allow + deny + review;
  const headline = report.ok ? words.ok(total) : words.bad(deny + review, total, deny, review);
  const local = (iso: string) => localDateTime(Date.parse(iso), report.charter.timezone);
  const explanation = (group: Group) => `${group.varies ? `${words.example} ` : ''}${group.message}`;
  const when = (group: Group) => (group.earliest === undefined ? undefined : words.from(local(group.earliest), local(group.latest!)));
  const [exercised, unreached] = coverageLabels(report.coverage);
  // A report from an older version, or built by hand, may have none.
  const warnings = (report.warnings ?? []).map((warning) => ({ where: formatPath(warning.path), message: warning.message }));
  if (format === 'markdown') {
    const head = [`## charterguard — ${report.charter.title}`, '', `${report.ok ? '✅' : '❌'} ${headline}.`, ''];
    const tail = [`### ${words.coverage}`, '', `- ${words.exercised}: ${exercised}`, `- ${words.unreached}: ${unreached}`, ''];
    const violationRow = (group: Group) => {
      const note = when(group);
      const sent = `#${group.send + 1} \`${cell(group.messageId)}\` ${local(group.at)}`;
      return `| ${cell(group.article ?? '')} | ${cell(group.title ?? group.ruleId ?? '')} | \`${group.code}\` | ${sent} | ${words.number(group.recipients)} | ${cell(explanation(group))}${note === undefined ? '' : ` (${note})`} |`;
    };
    const quotaRow = (quota: PlanReport['quotas'][number]) => `| ${cell(quota.article ?? '')} | ${cell(quota.ruleId)} | \`${cell(shownKey(quota.key))}\` | ${words.number(quota.used)} | ${words.number(quota.limit)} |`;
    // Within the budget: the headline and coverage always; then warnings, violation rows and
    // quota rows, in that order, each row rendered only if it may fit.
    let budget = (options.maxLength ?? MARKDOWN_LIMIT) - length(head) - length(tail);
    const sections: string[] = [];
    let left = 0;
    const section = <T>(title: string, header: string[], items: readonly T[], render: (item: T) => string) => {
      if (items.length === 0) return;
      const top = [`### ${title}`, '', ...header];
      const rows: string[] = [];
      let size = length(top) + 1;
      for (const item of items) {
        const row = render(item);
        if (size + row.length + 1 + MORE_LINE > budget) break;
        size += row.length + 1;
        rows.push(row);
      }
      left += items.length - rows.length;
      if (rows.length === 0) return;
      sections.push(...top, ...rows, '');
      budget -= size;
    };
    section(words.warnings, [], warnings, (warning) => `- ⚠️ \`${cell(warning.where)}\`: ${warning.message}`);
    section(words.violations, [`| ${words.article} | ${words.rule} | ${words.reason} | ${words.sendColumn} | ${words.recipientsColumn} | ${words.explanation} |`, '|---|---|---|---|---:|---|'], groups, violationRow);
    section(words.quotas, [`| ${words.article} | ${words.rule} | ${words.counter} | ${words.used} | ${words.limit} |`, '|---|---|---|---:|---:|'], report.quotas, quotaRow);
    if (left > 0) sections.push(words.more(left), '');
    return [...head, ...sections, ...tail].join('\n');
  }
  const paint = colours(options.color === true);
  const lines = [paint.bold(`charterguard — ${report.charter.title}`), `${report.ok ? paint.green('✓') : paint.red('✗')} ${headline}`];
  if (warnings.length > 0) {
    lines.push('', paint.bold(words.warnings));
    for (const warning of warnings) lines.push(`  ${paint.yellow('⚠')} ${warning.where}: ${warning.message}`);
  }
  if (groups.length > 0) {
    lines.push('', paint.bold(words.violations));
    let heading = '';
    for (const group of groups) {
      const title = [group.article, group.title ?? group.ruleId].filter(Boolean).join(' — ') || group.code;
      if (title !== heading) {
        lines.push(title === group.code ? `  ${paint.yellow(title)}` : `  ${paint.yellow(title)} ${paint.dim(`(${group.code})`)}`);
        heading = title;
      }
      const note = when(group);
      lines.push(`    ${words.send} #${group.send + 1} ${group.messageId} ${paint.dim(local(group.at))}: ${words.recipients(group.recipients)}`);
      lines.push(`      ${explanation(group)}${note === undefined ? '' : paint.dim(` (${note})`)}`);
    }
  }
  if (report.quotas.length > 0) {
    lines.push('', paint.bold(words.quotas));
    // Widths by a loop: a plan may have hundreds of thousands of counters (too many to spread as arguments).
    let labelWidth = 0;
    let countWidth = 0;
    const counts = report.quotas.map((quota) => `${words.number(quota.used)}/${words.number(quota.limit)}`);
    for (let i = 0; i < report.quotas.length; i++) {
      const quota = report.quotas[i]!;
      labelWidth = Math.max(labelWidth, (quota.article ?? quota.ruleId).length);
      countWidth = Math.max(countWidth, counts[i]!.length);
    }
    report.quotas.forEach((quota, i) => {
      const full = quota.used >= quota.limit;
      lines.push(`  ${(quota.article ?? quota.ruleId).padEnd(labelWidth)}  ${counts[i]!.padStart(Math.max(countWidth, 7))}  ${paint.dim(shownKey(quota.key))}${full ? ` ${paint.yellow('●')}` : ''}`);
    });
  }
  lines.push('', paint.bold(words.coverage), `  ${words.exercised}: ${exercised}`, `  ${words.unreached}: ${unreached}`, '');
  return lines.join('\n');
}

/**
 * A counter's key as people read it: its values decoded (`recipient=%2B33…` is `+33…`), and
 * any contact point in them masked, as a recipient id that is a phone number would be.
 */
function shownKey(key: string): string {
  // Part by part, so masking an address keeps the `recipient=` before it.
  return key
    .split('|')
    .map((part) => {
      const equals = part.indexOf('=');
      return equals < 0 ? part : `${part.slice(0, equals + 1)}${maskContacts(decoded(part.slice(equals + 1)))}`;
    })
    .join('|');
}

function decoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    // A value with a stray '%' is shown as it is.
    return value;
  }
}

/** Room kept for the line that counts the rows left out. */
const MORE_LINE = 120;

function length(lines: readonly string[]): number {
  let size = 0;
  for (const line of lines) size += line.length + 1;
  return size;
}

/**
 * The exercised and unreached rules by article; a rule whose article also names rules in the
 * other list is shown with its id, so no article reads as both exercised and never reached.
 */
function coverageLabels(coverage: PlanReport['coverage']): [string, string] {
  const articlesOf = (list: readonly { article?: string }[]) => new Set(list.map((rule) => rule.article).filter((article) => article !== undefined));
  const inExercised = articlesOf(coverage.exercised);
  const inUnreached = articlesOf(coverage.unreached);
  const label = (rule: { article?: string; ruleId: string }) =>
    rule.article === undefined ? rule.ruleId : inExercised.has(rule.article) && inUnreached.has(rule.article) ? `${rule.article} (${rule.ruleId})` : rule.article;
  const join = (list: readonly { article?: string; ruleId: string }[]) => list.map(label).filter(unique).join(', ') || '—';
  return [join(coverage.exercised), join(coverage.unreached)];
}

/** Whether `notBefore` is about this reason: time rules' refusals (hours, phases, a freeze with an end). */
function aboutTime(reason: Reason): boolean {
  if (reason.code === 'QUIET_HOURS' || reason.code === 'OUTSIDE_PHASE') return true;
  return (reason.code === 'FORBIDDEN' || reason.code === 'FORBIDDEN_SOURCE') && reason.facts?.['untilAt'] !== undefined;
}

function groupViolations(violations: readonly PlanViolation[]): Group[] {
  const groups = new Map<string, Group>();
  for (const violation of violations) {
    for (const reason of violation.reasons) {
      const id = `${violation.send}\u0000${reason.code}\u0000${reason.ruleId ?? ''}`;
      const notBefore = violation.notBefore !== undefined && aboutTime(reason) ? violation.notBefore : undefined;
      const group = groups.get(id);
      if (group) {
        group.recipients++;
        if (reason.message !== group.message) group.varies = true;
        if (notBefore !== undefined) {
          if (group.earliest === undefined || notBefore < group.earliest) group.earliest = notBefore;
          if (group.latest === undefined || notBefore > group.latest) group.latest = notBefore;
        }
        continue;
      }
      groups.set(id, {
        send: violation.send,
        at: violation.at,
        messageId: violation.messageId,
        code: reason.code,
        ruleId: reason.ruleId,
        article: reason.article,
        title: reason.title,
        message: reason.message,
        varies: false,
        recipients: 1,
        earliest: notBefore,
        latest: notBefore,
      });
    }
  }
  // Grouped by article and rule (built-in checks, which cite none, last), then in the order of the plan.
  return [...groups.values()].sort(
    (a, b) =>
      Number(a.article === undefined) - Number(b.article === undefined) ||
      (a.article ?? '').localeCompare(b.article ?? '') ||
      (a.ruleId ?? a.code).localeCompare(b.ruleId ?? b.code) ||
      a.send - b.send,
  );
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function unique<T>(value: T, index: number, list: readonly T[]): boolean {
  return list.indexOf(value) === index;
}

function colours(on: boolean) {
  const wrap = (code: string) => (text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text);
  return { bold: wrap('1'), dim: wrap('2'), red: wrap('31'), green: wrap('32'), yellow: wrap('33') };
}

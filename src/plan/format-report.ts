import type { Locale } from '../charter/schema.js';
import { localDateTime } from '../decision/local-format.js';
import type { PlanReport, PlanViolation } from './report.js';

/** Options of {@link formatReport}. */
export interface FormatReportOptions {
  /** `text` for terminals, `markdown` for a pull-request comment, `json` for machines. */
  format?: 'text' | 'markdown' | 'json';
  /** The language of headings; defaults to the report's. */
  locale?: Locale;
  /** ANSI colours in `text` (the CLI turns them on for a TTY unless `NO_COLOR` is set). */
  color?: boolean;
}

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
  recipients: number;
  notBefore: string | undefined;
}

const WORDS = {
  en: {
    ok: (n: number) => `all ${n} deliveries would be allowed`,
    bad: (bad: number, n: number, deny: number, review: number) => `${bad} of ${n} deliveries would not be allowed (${deny} denied, ${review} to review)`,
    violations: 'Violations', quotas: 'Quotas', coverage: 'Coverage', exercised: 'exercised', unreached: 'never reached',
    send: 'send', recipients: (n: number) => `${n} ${n === 1 ? 'recipient' : 'recipients'}`, from: 'allowed from',
    sendColumn: 'Send', recipientsColumn: 'Recipients', article: 'Article', rule: 'Rule', reason: 'Reason', explanation: 'Explanation', counter: 'Counter', used: 'Used', limit: 'Limit',
  },
  fr: {
    ok: (n: number) => `les ${n} envois seraient autorisés`,
    bad: (bad: number, n: number, deny: number, review: number) => `${bad} envois sur ${n} ne seraient pas autorisés (${deny} refusés, ${review} à examiner)`,
    violations: 'Infractions', quotas: 'Quotas', coverage: 'Couverture', exercised: 'exercés', unreached: 'jamais atteints',
    send: 'envoi', recipients: (n: number) => `${n} ${n === 1 ? 'destinataire' : 'destinataires'}`, from: 'possible à partir du',
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
  const articles = (list: { article?: string; ruleId: string }[]) => list.map((rule) => rule.article ?? rule.ruleId).filter(unique).join(', ') || '—';
  if (format === 'markdown') {
    const lines = [`## charterguard — ${report.charter.title}`, '', `${report.ok ? '✅' : '❌'} ${headline}.`, ''];
    if (groups.length > 0) {
      lines.push(`### ${words.violations}`, '', `| ${words.article} | ${words.rule} | ${words.reason} | ${words.sendColumn} | ${words.recipientsColumn} | ${words.explanation} |`, '|---|---|---|---|---:|---|');
      for (const group of groups) {
        const when = `#${group.send + 1} \`${cell(group.messageId)}\` ${local(group.at)}`;
        const note = group.notBefore === undefined ? '' : ` (${words.from} ${local(group.notBefore)})`;
        lines.push(`| ${cell(group.article ?? '')} | ${cell(group.title ?? group.ruleId ?? '')} | \`${group.code}\` | ${when} | ${group.recipients.toLocaleString('en-US')} | ${cell(group.message)}${note} |`);
      }
      lines.push('');
    }
    if (report.quotas.length > 0) {
      lines.push(`### ${words.quotas}`, '', `| ${words.article} | ${words.rule} | ${words.counter} | ${words.used} | ${words.limit} |`, '|---|---|---|---:|---:|');
      for (const quota of report.quotas) lines.push(`| ${cell(quota.article ?? '')} | ${cell(quota.ruleId)} | \`${cell(quota.key)}\` | ${quota.used} | ${quota.limit} |`);
      lines.push('');
    }
    lines.push(`### ${words.coverage}`, '', `- ${words.exercised}: ${articles(report.coverage.exercised)}`, `- ${words.unreached}: ${articles(report.coverage.unreached)}`, '');
    return lines.join('\n');
  }
  const paint = colours(options.color === true);
  const lines = [paint.bold(`charterguard — ${report.charter.title}`), `${report.ok ? paint.green('✓') : paint.red('✗')} ${headline}`];
  if (groups.length > 0) {
    lines.push('', paint.bold(words.violations));
    let heading = '';
    for (const group of groups) {
      const title = [group.article, group.title ?? group.ruleId].filter(Boolean).join(' — ') || group.code;
      if (title !== heading) {
        lines.push(title === group.code ? `  ${paint.yellow(title)}` : `  ${paint.yellow(title)} ${paint.dim(`(${group.code})`)}`);
        heading = title;
      }
      lines.push(`    ${words.send} #${group.send + 1} ${group.messageId} ${paint.dim(local(group.at))}: ${words.recipients(group.recipients)}`);
      lines.push(`      ${group.message}${group.notBefore === undefined ? '' : paint.dim(` (${words.from} ${local(group.notBefore)})`)}`);
    }
  }
  if (report.quotas.length > 0) {
    lines.push('', paint.bold(words.quotas));
    const width = Math.max(...report.quotas.map((quota) => (quota.article ?? quota.ruleId).length));
    for (const quota of report.quotas) {
      const full = quota.used >= quota.limit;
      lines.push(`  ${(quota.article ?? quota.ruleId).padEnd(width)}  ${`${quota.used}/${quota.limit}`.padStart(7)}  ${paint.dim(quota.key)}${full ? ` ${paint.yellow('●')}` : ''}`);
    }
  }
  lines.push('', paint.bold(words.coverage), `  ${words.exercised}: ${articles(report.coverage.exercised)}`, `  ${words.unreached}: ${articles(report.coverage.unreached)}`, '');
  return lines.join('\n');
}

function groupViolations(violations: readonly PlanViolation[]): Group[] {
  const groups = new Map<string, Group>();
  for (const violation of violations) {
    for (const reason of violation.reasons) {
      const id = `${violation.send}\u0000${reason.code}\u0000${reason.ruleId ?? ''}`;
      const group = groups.get(id);
      if (group) {
        group.recipients++;
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
        recipients: 1,
        notBefore: violation.notBefore,
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

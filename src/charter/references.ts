import { isSupportedCountry } from 'libphonenumber-js/max';
import { didYouMean } from '../util/closest.js';
import { gapMinutes, isValidTimeZone, knownTimeZones, localToInstant, parseLocalDateTime } from '../time/zoned-time.js';
import { BUILTIN_CHANNELS } from './schema.js';
import { make, type CharterIssue, type IssuePath } from './issues.js';

type Json = Record<string, unknown>;

/** The names a selector field may refer to. */
interface Known {
  channels: string[];
  phases: string[];
  audiences: string[];
  relays: string[];
  sources: string[];
  roles: string[] | undefined;
}

const SELECTOR_REFERENCES = {
  channels: { known: (k: Known) => k.channels, what: 'channel' },
  phases: { known: (k: Known) => k.phases, what: 'phase' },
  audiences: { known: (k: Known) => k.audiences, what: 'audience' },
  via: { known: (k: Known) => [...k.relays, 'direct'], what: 'relay' },
  sources: { known: (k: Known) => k.sources, what: 'source' },
  senders: { known: (k: Known) => k.roles, what: 'sender role' },
} as const;

/**
 * Checks what the schema cannot: references between parts of the charter, time zones,
 * dates and ranges, duplicate ids. Works on the raw input, skipping what is malformed
 * (the schema reports that), so every problem comes out in one pass.
 */
export function checkReferences(input: unknown): CharterIssue[] {
  const charter = asRecord(input);
  if (!charter) return [];
  const issues: CharterIssue[] = [];
  const declaredChannels = keysOf(charter['channels']);
  const known: Known = {
    channels: [...BUILTIN_CHANNELS, ...declaredChannels],
    phases: keysOf(charter['phases']),
    audiences: keysOf(charter['audiences']),
    relays: keysOf(charter['relays']),
    sources: keysOf(charter['sources']),
    roles: asRecord(charter['roles']) ? keysOf(charter['roles']) : undefined,
  };

  const timezone = typeof charter['timezone'] === 'string' ? charter['timezone'] : undefined;
  const zoneOk = timezone !== undefined && timezone !== '' && isValidTimeZone(timezone);
  if (timezone !== undefined && timezone !== '' && !zoneOk) {
    const { suggestion, hint } = didYouMean(timezone, knownTimeZones());
    issues.push(make('invalid_timezone', ['timezone'], `unknown IANA time zone '${timezone}'${hint}`, suggestion));
  }
  const country = charter['defaultCountry'];
  if (typeof country === 'string' && /^[A-Z]{2}$/.test(country) && !isSupportedCountry(country)) {
    issues.push(make('invalid_country', ['defaultCountry'], `'${country}' is not a country with a telephone numbering plan`));
  }
  for (const name of declaredChannels) {
    if ((BUILTIN_CHANNELS as readonly string[]).includes(name)) {
      issues.push(make('duplicate_id', ['channels', name], `'${name}' is a built-in channel; declare only new channels`));
    }
  }
  const zone = zoneOk ? timezone : undefined;
  for (const [name, phase] of Object.entries(asRecord(charter['phases']) ?? {})) {
    issues.push(...checkRange(asRecord(phase), ['phases', name], zone));
  }

  const firstUse = new Map<string, number>();
  asArray(charter['rules']).forEach((value, index) => {
    const rule = asRecord(value);
    if (!rule) return;
    const path = ['rules', index] as const;
    if (typeof rule['id'] === 'string') {
      const first = firstUse.get(rule['id']);
      if (first === undefined) firstUse.set(rule['id'], index);
      else issues.push(make('duplicate_id', [...path, 'id'], `duplicate rule id '${rule['id']}' (already used by rules[${first}])`));
    }
    for (const field of ['when', 'unless', 'exempt']) {
      issues.push(...checkSelector(asRecord(rule[field]), [...path, field], known));
    }
    issues.push(...checkRange(asRecord(rule['inForce']), [...path, 'inForce'], zone));
    issues.push(...checkKind(rule, path, known));
  });
  return issues;
}

function checkSelector(selector: Json | undefined, path: IssuePath, known: Known): CharterIssue[] {
  if (!selector) return [];
  const issues: CharterIssue[] = [];
  for (const [field, reference] of Object.entries(SELECTOR_REFERENCES)) {
    const names = reference.known(known);
    if (!names) continue;
    asArray(selector[field]).forEach((value, index) => {
      if (typeof value !== 'string' || value === '' || names.includes(value)) return;
      const { suggestion, hint } = didYouMean(value, names);
      const list = names.length > 0 ? ` (known: ${names.join(', ')})` : ' (the charter declares none)';
      issues.push(make('unknown_reference', [...path, field, index], `unknown ${reference.what} '${value}'${hint}${hint ? '' : list}`, suggestion));
    });
  }
  return issues;
}

function checkKind(rule: Json, path: IssuePath, known: Known): CharterIssue[] {
  const issues: CharterIssue[] = [];
  switch (rule['kind']) {
    case 'quota': {
      const window = asRecord(rule['window']);
      const phase = window?.['phase'];
      if (typeof phase === 'string' && phase !== '' && !known.phases.includes(phase)) {
        const { suggestion, hint } = didYouMean(phase, known.phases);
        issues.push(make('unknown_reference', [...path, 'window', 'phase'], `unknown phase '${phase}'${hint}`, suggestion));
      }
      issues.push(...checkUnique(asArray(rule['per']), [...path, 'per']));
      break;
    }
    case 'quietHours': {
      asArray(rule['windows']).forEach((value, index) => {
        const window = asRecord(value);
        const from = window?.['from'];
        const to = window?.['to'];
        if (typeof from === 'string' && typeof to === 'string' && /^\d\d:\d\d$/.test(from) && /^\d\d:\d\d$/.test(to) && from >= to) {
          issues.push(make('invalid_range', [...path, 'windows', index, 'to'], `window ends at ${to}, not after it starts at ${from}; split a window that spans midnight in two`));
        }
        issues.push(...checkUnique(asArray(window?.['days']), [...path, 'windows', index, 'days']));
      });
      asArray(rule['holidays']).forEach((value, index) => {
        if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !parseLocalDateTime(value)) {
          issues.push(make('invalid_datetime', [...path, 'holidays', index], `'${value}' is not a date of the calendar`));
        }
      });
      break;
    }
    case 'content': {
      const requirements = ['senderIdentification', 'optOutInstruction', 'maxSmsSegments', 'maxLength', 'forbiddenPhrases'];
      if (!requirements.some((key) => rule[key] !== undefined && rule[key] !== false)) {
        issues.push(make('empty_rule', path, `a content rule needs at least one requirement: ${requirements.join(', ')}`));
      }
      if (rule['optOutKeywords'] !== undefined && rule['optOutInstruction'] !== true) {
        issues.push(make('invalid_value', [...path, 'optOutKeywords'], 'optOutKeywords has no effect without optOutInstruction: true'));
      }
      break;
    }
  }
  return issues;
}

/** Checks `from`/`to` of a phase or `inForce`: real local times in the zone, and from < to. */
function checkRange(range: Json | undefined, path: IssuePath, zone: string | undefined): CharterIssue[] {
  if (!range) return [];
  const issues: CharterIssue[] = [];
  const instants: Partial<Record<'from' | 'to', number>> = {};
  for (const end of ['from', 'to'] as const) {
    const text = range[end];
    if (typeof text !== 'string' || !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/.test(text)) continue;
    const local = parseLocalDateTime(text);
    if (!local) {
      issues.push(make('invalid_datetime', [...path, end], `'${text}' is not a date-time of the calendar`));
      continue;
    }
    // Without a valid zone the order of two local times is still the order of their readings.
    if (!zone) {
      instants[end] = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
      continue;
    }
    const { instant, status } = localToInstant(local, zone);
    if (status === 'gap') {
      const minutes = gapMinutes(Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute), zone);
      issues.push(make('invalid_datetime', [...path, end], `'${text}' does not exist in ${zone}: clocks jump ${minutes} minutes forward at that time`));
      continue;
    }
    instants[end] = instant;
  }
  if (instants.from !== undefined && instants.to !== undefined && instants.from >= instants.to) {
    issues.push(make('invalid_range', [...path, 'to'], `'${String(range['to'])}' is not after from '${String(range['from'])}'`));
  }
  return issues;
}

function checkUnique(values: unknown[], path: IssuePath): CharterIssue[] {
  const seen = new Set<unknown>();
  const issues: CharterIssue[] = [];
  values.forEach((value, index) => {
    if (seen.has(value)) issues.push(make('duplicate_value', [...path, index], `'${String(value)}' is listed twice`));
    seen.add(value);
  });
  return issues;
}

function asRecord(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function keysOf(value: unknown): string[] {
  return Object.keys(asRecord(value) ?? {});
}


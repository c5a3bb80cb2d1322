// A fast path for the French numbers CRMs hold most (`06 12 34 56 78`, `+33612345678`,
// `0033 6 12 34 56 78`…): read without libphonenumber-js's general parser, which costs
// 10–20 µs per first-seen number, then typed with the patterns of libphonenumber-js's own
// `max` metadata, in the order its `getNumberType` tries them. Anything else goes to
// libphonenumber-js: the fast path only ever gives the result the library gives (a property
// test holds it to that over generated formats and numbers).
import { Metadata } from 'libphonenumber-js/max';
import type { CountryCode } from 'libphonenumber-js/max';
import type { PhoneType } from './phone.js';

/** The parts of libphonenumber-js's numbering plan object this module reads (not in its typings). */
interface PlanView {
  callingCode(): string;
  nationalNumberPattern(): string;
  possibleLengths(): number[] | undefined;
  nationalPrefixForParsing(): string | undefined;
  nationalPrefixTransformRule(): string | undefined;
  IDDPrefix(): string;
  type(type: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
}

interface TypeTest {
  readonly type: PhoneType;
  readonly pattern: RegExp;
  readonly lengths: readonly number[] | undefined;
}

interface Classifier {
  readonly national: RegExp;
  /** `undefined` when the metadata has no fixed-line pattern. */
  readonly fixedLine: TypeTest | undefined;
  /** What a fixed-line match is: `FIXED_LINE`, unless mobiles cannot be told apart. */
  readonly fixedLineType: (nationalNumber: string) => PhoneType;
  readonly others: readonly TypeTest[];
}

// libphonenumber-js `getNumberType`: fixed line first, then these, in this order.
const NON_FIXED_LINE_TYPES: readonly PhoneType[] = ['MOBILE', 'PREMIUM_RATE', 'TOLL_FREE', 'SHARED_COST', 'VOIP', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL'];

const classifier = frenchClassifier();

/**
 * Reads `text` as a French number when it is written in one of the common plain formats,
 * and types it; `undefined` means "ask libphonenumber-js", never "invalid".
 *
 * Accepted: `+33` or (default country FR or none) `0033`, then the 9 national digits; or
 * (default country FR) `0` then the 9 national digits. The national number starts with 1–9;
 * a single space, dot or hyphen may precede any digit but the first of the whole text.
 *
 * @param text - the number, `tel:` prefix already removed.
 * @param country - the supported default country, upper-cased, or undefined.
 * @returns the national number and its type as libphonenumber-js reads them (no type: a
 *   number it refuses as invalid), or `undefined` to let it decide.
 */
export function readFrenchPhone(text: string, country: CountryCode | undefined): { nationalNumber: string; type: PhoneType | undefined } | undefined {
  if (classifier === undefined) return undefined;
  let at: number;
  if (text.startsWith('+33')) at = 3;
  else if (text.startsWith('0033') && (country === 'FR' || country === undefined)) at = 4;
  else if (text.charCodeAt(0) === 0x30 && country === 'FR') at = 1;
  else return undefined;
  let national = '';
  let separated = false;
  for (; at < text.length; at++) {
    const code = text.charCodeAt(at);
    if (code >= 0x30 && code <= 0x39) {
      if (national.length === 9) return undefined;
      national += text[at];
      separated = false;
    } else if ((code === 0x20 || code === 0x2e || code === 0x2d) && !separated) {
      separated = true;
    } else {
      return undefined;
    }
  }
  if (separated || national.length !== 9 || national.charCodeAt(0) === 0x30) return undefined;
  const type = typeOf(classifier, national);
  // Untyped is invalid (with types in the metadata, libphonenumber-js's isValid is "has a
  // type"), except for `0033…` read without a country: normalizePhone then reports the first
  // reading's missing country, which the library path gives.
  if (type === undefined && country === undefined && !text.startsWith('+')) return undefined;
  return { nationalNumber: national, type };
}

/** libphonenumber-js `getNumberType` on a national number, with its patterns compiled once. */
function typeOf(classifier: Classifier, nationalNumber: string): PhoneType | undefined {
  if (!classifier.national.test(nationalNumber)) return undefined;
  if (classifier.fixedLine !== undefined && matches(classifier.fixedLine, nationalNumber)) return classifier.fixedLineType(nationalNumber);
  for (const test of classifier.others) if (matches(test, nationalNumber)) return test.type;
  return undefined;
}

function matches(test: TypeTest, nationalNumber: string): boolean {
  if (test.lengths !== undefined && !test.lengths.includes(nationalNumber.length)) return false;
  return test.pattern.test(nationalNumber);
}

/**
 * The classifier of French numbers from the installed metadata, or undefined (no fast path)
 * when the plan is not the one this reader assumes: +33 for France alone, 9-digit national
 * numbers starting 1–9, trunk prefix 0, international prefix 00.
 */
function frenchClassifier(): Classifier | undefined {
  try {
    const metadata = new Metadata() as Metadata & { getCountryCodesForCallingCode(code: string): string[] | undefined };
    metadata.selectNumberingPlan('FR');
    const plan = metadata.numberingPlan as unknown as PlanView;
    const countries = metadata.getCountryCodesForCallingCode('33');
    const lengths = plan.possibleLengths();
    if (
      plan.callingCode() !== '33' ||
      countries?.length !== 1 ||
      countries[0] !== 'FR' ||
      plan.nationalNumberPattern() !== '[1-9]\\d{8}' ||
      lengths?.length !== 1 ||
      lengths[0] !== 9 ||
      plan.nationalPrefixForParsing() !== '0' ||
      plan.nationalPrefixTransformRule() ||
      plan.IDDPrefix() !== '00'
    ) {
      return undefined;
    }
    const test = (type: PhoneType): TypeTest | undefined => {
      const definition = plan.type(type);
      const pattern = definition?.pattern();
      if (!definition || !pattern) return undefined;
      return { type, pattern: entire(pattern), lengths: definition.possibleLengths() };
    };
    const mobile = plan.type('MOBILE');
    const mobileTest = test('MOBILE');
    // As getNumberType: a fixed line is FIXED_LINE_OR_MOBILE when the metadata has no mobile
    // type, an empty mobile pattern (a duplicate of the fixed-line one), or a matching one.
    const fixedLineType =
      mobile === undefined || mobile.pattern() === ''
        ? () => 'FIXED_LINE_OR_MOBILE' as const
        : (nationalNumber: string): PhoneType => (mobileTest !== undefined && matches(mobileTest, nationalNumber) ? 'FIXED_LINE_OR_MOBILE' : 'FIXED_LINE');
    return {
      national: entire(plan.nationalNumberPattern()),
      fixedLine: test('FIXED_LINE'),
      fixedLineType,
      others: NON_FIXED_LINE_TYPES.map(test).filter((found): found is TypeTest => found !== undefined),
    };
  } catch {
    // Metadata of another shape: every number goes through libphonenumber-js.
    return undefined;
  }
}

/** A pattern that must match the whole text, as libphonenumber-js's `matchesEntirely`. */
function entire(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}

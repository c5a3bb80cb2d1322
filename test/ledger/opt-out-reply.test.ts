import { describe, expect, it } from 'vitest';
import { isOptOutReply } from '../../src/index.js';

const ENGLISH = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'];
const FRENCH = ['ARRET', 'STOP SMS', 'DESABONNER'];

describe('isOptOutReply', () => {
  it.each(ENGLISH)('recognises %s, in English and in French campaigns', (keyword) => {
    expect(isOptOutReply(keyword, 'en')).toBe(true);
    expect(isOptOutReply(keyword, 'fr')).toBe(true);
  });

  it.each(FRENCH)('recognises %s in French campaigns only', (keyword) => {
    expect(isOptOutReply(keyword, 'fr')).toBe(true);
    expect(isOptOutReply(keyword, 'en')).toBe(false);
  });

  it('reads English by default', () => {
    expect(isOptOutReply('stop')).toBe(true);
    expect(isOptOutReply('arrêt')).toBe(false);
  });

  it.each(['stop', 'Stop', 'sToP', 'unsubscribe', 'Quit', 'optout', 'OptOut'])('ignores case: %s', (reply) => {
    expect(isOptOutReply(reply, 'en')).toBe(true);
  });

  it.each(['arrêt', 'Arrêt', 'ARRÊT', 'désabonner', 'Désabonner', 'DÉSABONNER', 'arret', 'desabonner'])('ignores accents and case: %s', (reply) => {
    expect(isOptOutReply(reply, 'fr')).toBe(true);
  });

  it('ignores accents written as combining marks', () => {
    expect(isOptOutReply('arre\u0302t', 'fr')).toBe(true);
    expect(isOptOutReply('de\u0301sabonner', 'fr')).toBe(true);
  });

  it.each([' STOP', 'STOP ', '  stop\n', '\tStop\t', 'STOP.', 'Stop!', 'stop!!!', 'STOP?', 'stop;', 'Stop,', 'STOP !', 'Arrêt\u202f!', '"STOP"', "'stop'", '« STOP »', '“Stop”', '"Stop."', 'STOP…'])(
    'accepts surrounding spaces, quotes and a final punctuation mark: %j',
    (reply) => {
      expect(isOptOutReply(reply, 'fr')).toBe(true);
    },
  );

  it.each(['STOP SMS', 'stop sms', 'Stop SMS.', 'STOP  SMS', 'stop-sms'])('recognises the French two-word keyword %j', (reply) => {
    expect(isOptOutReply(reply, 'fr')).toBe(true);
  });

  it.each(['opt-out', 'Opt-Out', 'OPT OUT', 'opt out', 'optout', 'stop all', 'STOP-ALL'])('recognises hyphenated and spaced forms: %j', (reply) => {
    expect(isOptOutReply(reply, 'en')).toBe(true);
  });

  it.each([
    'Stop by the office',
    'stop by the office tomorrow',
    'stopper',
    'Stopping',
    'unstoppable',
    'end of the meeting',
    'The end',
    'cancel my appointment',
    'Quitter',
    'OK',
    'merci',
    '',
    '   ',
    '.',
    '!!!',
  ])('does not take %j for an opt-out', (reply) => {
    expect(isOptOutReply(reply, 'fr')).toBe(false);
    expect(isOptOutReply(reply, 'en')).toBe(false);
  });
});

import * as z from 'zod';
import { RELATIONSHIPS, type Channel } from '../charter/schema.js';

const name = z.string().min(1, { error: 'must not be empty' });
const channel = name as unknown as z.ZodType<Channel, string>;
const instant = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 instant with an offset, such as 2013-05-02T10:00:00+02:00' });

/** One mailing, text or call script; every delivery of it shares its `id`. */
export const messageSchema = z.strictObject({
  id: name.meta({ description: 'The mailing id, shared by all its deliveries' }),
  channel,
  sender: z.strictObject({
    id: name,
    role: name,
    candidate: name.optional(),
    name: name.optional(),
  }),
  via: name.optional().meta({ description: 'Relay id; absent means sent directly' }),
  audience: name.optional().meta({ description: 'The audience the send targets' }),
  content: z.strictObject({ subject: z.string().optional(), text: z.string().optional() }).optional(),
});

const channelOrAll = z.union([z.literal('all'), channel]) as unknown as z.ZodType<Channel | 'all', string>;

/** One person as the CRM knows them. */
export const recipientSchema = z.strictObject({
  id: name,
  phone: z.string().optional().meta({ description: "Any human format: '06 12 34 56 78', '+33612345678'" }),
  email: z.string().optional(),
  country: z.string().regex(/^[A-Z]{2}$/, { error: 'expected an ISO 3166 alpha-2 code such as FR' }).optional(),
  timezone: name.optional().meta({ description: 'IANA time zone, when the CRM knows it' }),
  audiences: z.array(name).optional(),
  source: name.optional().meta({ description: 'Where the contact data came from (a charter source)' }),
  relationship: z.enum(RELATIONSHIPS).optional(),
  consents: z.array(z.strictObject({ channel: channelOrAll, at: instant, source: name.optional() })).optional(),
  optOuts: z.array(z.strictObject({ channel: channelOrAll, at: instant })).optional(),
});

/** A message as `canSend` receives it. */
export type Message = z.output<typeof messageSchema>;
/** A recipient as `canSend` receives it. */
export type Recipient = z.output<typeof recipientSchema>;
/** A consent record: the recipient agreed to be contacted on a channel at a time. */
export type Consent = NonNullable<Recipient['consents']>[number];
/** An opt-out record: the recipient asked not to be contacted on a channel from a time. */
export type OptOut = NonNullable<Recipient['optOuts']>[number];

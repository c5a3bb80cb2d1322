import * as z from 'zod';
import { messageSchema, recipientSchema } from '../decision/inputs.js';

/** What a send's `at` must look like (the calendar is checked later, against the charter's zone). */
export const LOCAL_OR_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;

/** A value as a message quotes it: at most 40 characters. */
function shorten(text: string): string {
  return text.length <= 40 ? text : `${text.slice(0, 39)}…`;
}

/** One scheduled send of a plan: a message at a time, to recipients by id or to an audience. */
export const planSendSchema = z.strictObject({
  at: z.string().regex(LOCAL_OR_INSTANT, {
    // The value is quoted (shortened): callers mask contacts in the messages they show.
    error: (issue) =>
      `${typeof issue.input === 'string' ? `'${shorten(issue.input)}' is not a send time: ` : ''}expected an ISO 8601 instant (2013-05-20T10:00:00+02:00) or a local date-time in the charter time zone (2013-05-20T10:00)`,
  }),
  message: messageSchema,
  to: z.union([z.array(z.string().min(1)), z.strictObject({ audience: z.string().min(1) })], {
    error: "expected a list of recipient ids or { audience: '…' }",
  }),
});

/** A campaign plan: the recipients and the scheduled sends. */
export const planSchema = z.strictObject({
  $schema: z.string().optional(),
  $comment: z.string().optional(),
  recipients: z.array(recipientSchema),
  sends: z.array(planSendSchema),
});

/** A campaign plan as written. */
export type Plan = z.input<typeof planSchema>;
/** One scheduled send of a plan. */
export type PlanSend = z.input<typeof planSendSchema>;

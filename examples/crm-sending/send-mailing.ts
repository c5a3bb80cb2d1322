/**
 * How a CRM wires the ledger into its sending path: authorize the whole mailing in one
 * batch, send what is allowed, commit what went out and release what did not. Refusals
 * come back with their explanations, for the campaign team.
 */
import { explain, type Ledger, type Message, type Recipient } from 'charterguard';

/** What the CRM's mail provider does; here any function that may fail. */
export type Deliver = (message: Message, recipient: Recipient) => Promise<void>;

/** The outcome of one mailing run. */
export interface MailingReport {
  sent: string[];
  failed: string[];
  refused: { recipient: string; explanation: string }[];
}

/**
 * Sends one mailing through the ledger.
 *
 * @param ledger - the campaign's ledger.
 * @param message - the mailing.
 * @param recipients - who it goes to.
 * @param deliver - the provider call.
 * @param now - the clock (tests pass a fixed one).
 * @returns who got it, whose delivery failed (their units were released) and who was refused, with why.
 */
export async function sendMailing(ledger: Ledger, message: Message, recipients: Recipient[], deliver: Deliver, now?: string): Promise<MailingReport> {
  const report: MailingReport = { sent: [], failed: [], refused: [] };
  const authorizations = await ledger.authorizeMany(message, recipients, now === undefined ? {} : { now });
  for (const [index, { decision, reservation }] of authorizations.entries()) {
    const recipient = recipients[index]!;
    if (!reservation) {
      report.refused.push({ recipient: recipient.id, explanation: explain(decision) });
      continue;
    }
    try {
      await deliver(message, recipient);
      await reservation.commit(now === undefined ? {} : { now });
      report.sent.push(recipient.id);
    } catch {
      // The message did not leave: its quota units go back.
      await reservation.release(now === undefined ? {} : { now });
      report.failed.push(recipient.id);
    }
  }
  return report;
}


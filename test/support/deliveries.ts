import { waitFor } from './wait-for';

/** One request a sender made (an SMS webhook, a batch of call logs) and every answer it got. */
export interface Delivery<A> {
  send: () => Promise<A>;
  answers: A[];
}

/**
 * Sends each delivery that never got an accepting answer again until it does, as Twilio and call
 * centres retry what was refused: after a fault, the hub must take it.
 */
export async function resendRefused<A>(deliveries: Delivery<A>[], accepted: (answer: A) => boolean, what: string): Promise<void> {
  for (const delivery of deliveries.filter((d) => !d.answers.some(accepted))) {
    await waitFor(what, async () => {
      const answer = await delivery.send();
      delivery.answers.push(answer);
      return accepted(answer);
    });
  }
}

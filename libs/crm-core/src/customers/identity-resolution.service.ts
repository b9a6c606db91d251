import type { Identity } from '@omnihub/channels';
import type { DataSource } from 'typeorm';
import { queryRows } from '../database/sql';
import { mergeCustomers } from './customer-merge.service';

export interface Resolution {
  customerId: string;
  created: boolean;
  /** Customers that turned out to be this one and were merged into it. */
  mergedCustomerIds: string[];
}

/**
 * Finds the one customer behind a set of identities that belong to the same person (a chat
 * visitor who gives an email, a caller who names their address). No match: a new customer. One
 * match: the other identities join it. Several: they are the same person, so the oldest
 * customer absorbs the others.
 */
export class IdentityResolutionService {
  constructor(private readonly db: DataSource) {}

  async resolve(identities: Identity[], name?: string): Promise<Resolution> {
    if (identities.length === 0) throw new Error('resolve needs at least one identity');
    return this.db.transaction(async (tx) => {
      const owners = await queryRows<{ customer_id: string }>(
        tx,
        `SELECT i.customer_id FROM customer_identities i JOIN customers c ON c.id = i.customer_id
         WHERE (i.channel, i.address) IN (SELECT * FROM unnest($1::text[], $2::text[]))
         GROUP BY i.customer_id, c.created_at ORDER BY c.created_at, i.customer_id`,
        [identities.map((i) => i.channel), identities.map((i) => i.address)],
      );
      let customerId: string;
      let created = false;
      if (owners.length === 0) {
        [{ id: customerId }] = await queryRows<{ id: string }>(tx, 'INSERT INTO customers (name) VALUES ($1) RETURNING id', [name ?? null]);
        created = true;
      } else {
        customerId = owners[0].customer_id;
      }
      const mergedCustomerIds = owners.slice(1).map((o) => o.customer_id);
      for (const mergedId of mergedCustomerIds) await mergeCustomers(tx, customerId, mergedId);
      for (const identity of identities) {
        // An address a concurrent transaction claimed a moment ago stays with that customer;
        // the next resolve of the pair merges them.
        await tx.query(
          `INSERT INTO customer_identities (customer_id, channel, address) VALUES ($1, $2, $3)
           ON CONFLICT (channel, address) DO NOTHING`,
          [customerId, identity.channel, identity.address],
        );
      }
      if (name) await tx.query('UPDATE customers SET name = $2 WHERE id = $1 AND name IS NULL', [customerId, name]);
      return { customerId, created, mergedCustomerIds };
    });
  }
}

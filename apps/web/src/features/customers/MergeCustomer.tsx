import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import type { CustomerSummary, Page } from '../../api/contract';
import { useSession } from '../../app/session';

/** Search, confirm, done: the other customer's identities and history join this one. */
export function MergeCustomer({ customerId, onMerged }: { customerId: string; onMerged: () => void }) {
  const { api } = useSession();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<CustomerSummary[] | null>(null);
  const [chosen, setChosen] = useState<CustomerSummary | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function search(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setMessage(null);
    try {
      const page = await api.get<Page<CustomerSummary>>('/api/customers', { q: q.trim(), limit: 10 });
      setFound(page.items.filter((customer) => customer.id !== customerId));
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'The search failed.');
    }
  }

  async function merge(other: CustomerSummary) {
    setError(null);
    try {
      await api.post(`/api/customers/${customerId}/merge`, { otherCustomerId: other.id });
      setMessage(`Merged ${other.name ?? 'the other customer'} into this customer.`);
      setChosen(null);
      setFound(null);
      setQ('');
      onMerged();
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : 'The merge failed.');
    }
  }

  return (
    <details className="panel-action">
      <summary>Merge with another customer</summary>
      <form onSubmit={search} role="search">
        <label>
          Find a customer
          <input value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name, email or phone" required />
        </label>
        <button type="submit">Search</button>
      </form>
      {found && found.length === 0 && <p className="muted">No other customer matches.</p>}
      {found && found.length > 0 && !chosen && (
        <ul aria-label="Customers found">
          {found.map((customer) => (
            <li key={customer.id}>
              {customer.name ?? 'Unknown'} <span className="muted">{customer.identities.map((i) => i.address).join(', ')}</span>{' '}
              <button type="button" onClick={() => setChosen(customer)}>
                Merge
              </button>
            </li>
          ))}
        </ul>
      )}
      {chosen && (
        <div role="group" aria-label="Confirm merge">
          <p>
            Merge {chosen.name ?? 'this customer'} ({chosen.identities.map((i) => i.address).join(', ')}) into this customer? This cannot be
            undone.
          </p>
          <button type="button" className="primary" onClick={() => void merge(chosen)}>
            Confirm merge
          </button>
          <button type="button" onClick={() => setChosen(null)}>
            Cancel
          </button>
        </div>
      )}
      {message && <p role="status">{message}</p>}
      {error && <p role="alert">{error}</p>}
    </details>
  );
}

import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api/client';
import { DEFECTION_TYPES, type DefectionType } from '../../api/contract';
import { useSession } from '../../app/session';
import { words } from '../../ui/format';

/** Records why a customer left; a hub without the defection route says so instead of failing. */
export function DefectionForm({ customerId, onRecorded }: { customerId: string; onRecorded: () => void }) {
  const { api } = useSession();
  const [type, setType] = useState<DefectionType>('price');
  const [note, setNote] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setMessage(null);
    try {
      await api.post(`/api/customers/${customerId}/defection`, { type, ...(note.trim() && { note: note.trim() }) });
      setMessage('Defection recorded.');
      setNote('');
      onRecorded();
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 404 && /^Cannot POST/.test(failure.message)) {
        setError('Recording a defection is not available on this hub yet.');
      } else setError(failure instanceof ApiError ? failure.message : 'Recording the defection failed.');
    }
  }

  return (
    <details className="panel-action">
      <summary>Record a defection</summary>
      <form onSubmit={submit}>
        <label>
          Defection type
          <select value={type} onChange={(e) => setType(e.target.value as DefectionType)}>
            {DEFECTION_TYPES.map((value) => (
              <option key={value} value={value}>
                {words(value)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Note
          <textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        <button type="submit">Record defection</button>
      </form>
      {message && <p role="status">{message}</p>}
      {error && <p role="alert">{error}</p>}
    </details>
  );
}

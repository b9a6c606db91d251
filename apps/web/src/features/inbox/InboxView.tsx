import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConversationView, Page } from '../../api/contract';
import { CHANNELS, CONVERSATION_STATUSES } from '../../api/contract';
import { hrefFor, navigate } from '../../app/route';
import { useSession } from '../../app/session';
import { useAgentEvent, useResyncKey } from '../../realtime/realtime-hooks';
import { channelName } from '../../ui/format';
import { CustomerPanel } from '../customers/CustomerPanel';
import { ConversationList } from './ConversationList';
import { ConversationPane } from './ConversationPane';
import { appendPage, applyChange, matchesFilters, type ListFilters } from './conversation-order';

const PAGE = 100;

/** The list, the open conversation and its customer, side by side; j/k, Enter, r and e drive it. */
export function InboxView({ conversationId }: { conversationId: string | null }) {
  const { api, agent } = useSession();
  const resyncKey = useResyncKey();
  const [filters, setFilters] = useState<ListFilters>({ status: 'open', channel: '', assignee: '' });
  const [items, setItems] = useState<ConversationView[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [cursorIndex, setCursorIndex] = useState(-1);
  const [openCustomerId, setOpenCustomerId] = useState<string | null>(null);
  const loading = useRef(false);

  const query = useCallback(
    (after: string | null) =>
      api.get<Page<ConversationView>>('/api/conversations', {
        status: filters.status,
        channel: filters.channel,
        assigneeId: filters.assignee,
        limit: PAGE,
        cursor: after,
      }),
    [api, filters],
  );

  useEffect(() => {
    let current = true;
    loading.current = true;
    query(null)
      .then((page) => {
        if (!current) return;
        setItems(page.items);
        setCursor(page.nextCursor);
        setError(null);
      })
      .catch((failure: Error) => current && setError(failure.message))
      .finally(() => {
        if (current) loading.current = false;
      });
    return () => {
      current = false;
    };
  }, [query, resyncKey]);

  const loadMore = useCallback(() => {
    if (loading.current || !cursor) return;
    loading.current = true;
    query(cursor)
      .then((page) => {
        setItems((known) => appendPage(known, page.items));
        setCursor(page.nextCursor);
      })
      .catch((failure: Error) => setError(failure.message))
      .finally(() => {
        loading.current = false;
      });
  }, [cursor, query]);

  useAgentEvent('conversation.updated', ({ conversation }) =>
    setItems((known) => applyChange(known, conversation, matchesFilters(conversation, filters, agent.id), cursor !== null)),
  );

  const open = useCallback((id: string) => navigate(hrefFor.conversation(id)), []);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement;
      if (target.closest('input, textarea, select, [contenteditable="true"]')) return;
      if (event.key === 'j' || event.key === 'k') {
        event.preventDefault();
        const step = event.key === 'j' ? 1 : -1;
        setCursorIndex((index) => Math.max(0, Math.min(items.length - 1, index + step)));
      } else if (event.key === 'Enter' && cursorIndex >= 0 && items[cursorIndex] && target.tagName !== 'BUTTON' && target.tagName !== 'A') {
        event.preventDefault();
        open(items[cursorIndex].id);
      } else if (event.key === 'r' && conversationId) {
        event.preventDefault();
        document.getElementById('reply-text')?.focus();
      } else if (event.key === 'e' && conversationId) {
        event.preventDefault();
        document.getElementById('resolve-button')?.click();
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [items, cursorIndex, conversationId, open]);

  return (
    <div className="inbox">
      <section className="list-pane" aria-label="Inbox">
        <div className="filters" role="group" aria-label="Filters">
          <label>
            Status
            <select value={filters.status} onChange={(e) => setFilters({ ...filters, status: e.target.value as ListFilters['status'] })}>
              <option value="">All</option>
              {CONVERSATION_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {status}
                </option>
              ))}
            </select>
          </label>
          <label>
            Channel
            <select value={filters.channel} onChange={(e) => setFilters({ ...filters, channel: e.target.value as ListFilters['channel'] })}>
              <option value="">All</option>
              {CHANNELS.map((channel) => (
                <option key={channel} value={channel}>
                  {channelName(channel)}
                </option>
              ))}
            </select>
          </label>
          <label>
            Assignee
            <select
              value={filters.assignee}
              onChange={(e) => setFilters({ ...filters, assignee: e.target.value as ListFilters['assignee'] })}
            >
              <option value="">Anyone</option>
              <option value="me">Mine</option>
              <option value="none">Unassigned</option>
            </select>
          </label>
        </div>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <ConversationList
          items={items}
          openId={conversationId}
          cursorIndex={cursorIndex}
          hasMore={cursor !== null}
          onOpen={open}
          onLoadMore={loadMore}
        />
      </section>
      {conversationId ? (
        <ConversationPane key={conversationId} conversationId={conversationId} onCustomer={setOpenCustomerId} />
      ) : (
        <section className="conversation-pane empty-pane">
          <p>Pick a conversation (j/k to move, Enter to open).</p>
        </section>
      )}
      {conversationId && openCustomerId && <CustomerPanel key={openCustomerId} customerId={openCustomerId} />}
    </div>
  );
}

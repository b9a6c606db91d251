import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { ConversationView } from '../../api/contract';
import { channelName, shortTime } from '../../ui/format';

const ROW_HEIGHT = 68;

interface Props {
  items: ConversationView[];
  openId: string | null;
  cursorIndex: number;
  hasMore: boolean;
  onOpen: (id: string) => void;
  onLoadMore: () => void;
}

/** Only the rows in view are in the DOM, so ten thousand conversations scroll as smoothly as ten. */
export function ConversationList({ items, openId, cursorIndex, hasMore, onOpen, onLoadMore }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  // The compiler skips memoizing this component (the virtualizer's functions change every render); nothing memoized depends on them.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const rows = virtualizer.getVirtualItems();
  const lastShown = rows.length ? rows[rows.length - 1].index : -1;

  useEffect(() => {
    if (hasMore && lastShown >= items.length - 20) onLoadMore();
  }, [hasMore, lastShown, items.length, onLoadMore]);

  useEffect(() => {
    if (cursorIndex >= 0) virtualizer.scrollToIndex(cursorIndex, { align: 'auto' });
  }, [cursorIndex, virtualizer]);

  return (
    <div className="conversation-scroller" ref={scroller}>
      <ul aria-label="Conversations" className="conversation-list" style={{ height: virtualizer.getTotalSize() }}>
        {rows.map((row) => {
          const conversation = items[row.index];
          return (
            <li
              key={conversation.id}
              className="conversation-row"
              data-cursor={row.index === cursorIndex || undefined}
              aria-current={conversation.id === openId || undefined}
              style={{ transform: `translateY(${row.start}px)`, height: ROW_HEIGHT }}
            >
              <button type="button" className="conversation-open" onClick={() => onOpen(conversation.id)}>
                <span className="conversation-top">
                  <span className="conversation-name">{conversation.customer.name ?? 'Unknown customer'}</span>
                  <span className="conversation-time">{shortTime(conversation.lastInteractionAt)}</span>
                </span>
                <span className="conversation-bottom">
                  <span className={`channel-badge channel-${conversation.channel}`}>{channelName(conversation.channel)}</span>
                  <span className="conversation-preview">{conversation.lastInteractionPreview ?? ''}</span>
                  {conversation.unreadCount > 0 && (
                    <span className="unread" aria-label={`${conversation.unreadCount} unread`}>
                      {conversation.unreadCount}
                    </span>
                  )}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      {items.length === 0 && <p className="empty">No conversations match these filters.</p>}
    </div>
  );
}

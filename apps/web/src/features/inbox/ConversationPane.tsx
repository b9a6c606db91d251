import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/client';
import type { ConversationDetail, ConversationView, InteractionView } from '../../api/contract';
import { useSession } from '../../app/session';
import { useAgentEvent, useResyncKey } from '../../realtime/realtime-hooks';
import { channelName, fullTime, words } from '../../ui/format';
import { InteractionItem, type ShownInteraction } from './InteractionItem';
import { ReplyBox } from './ReplyBox';

const byTime = (a: InteractionView, b: InteractionView) =>
  a.occurredAt === b.occurredAt ? (a.id < b.id ? -1 : 1) : Date.parse(a.occurredAt) - Date.parse(b.occurredAt);

/** Adds or replaces by id, keeping time order. */
function upsert(list: ShownInteraction[], interaction: ShownInteraction): ShownInteraction[] {
  return [...list.filter((item) => item.id !== interaction.id), interaction].sort(byTime);
}

export function ConversationPane({ conversationId, onCustomer }: { conversationId: string; onCustomer: (id: string) => void }) {
  const { api, agent } = useSession();
  const resyncKey = useResyncKey();
  const [conversation, setConversation] = useState<ConversationDetail | null>(null);
  const [interactions, setInteractions] = useState<ShownInteraction[]>([]);
  const [error, setError] = useState<string | null>(null);
  const thread = useRef<HTMLOListElement>(null);

  // The newest at the bottom, in view: on opening and whenever one arrives.
  useEffect(() => {
    thread.current?.scrollTo({ top: thread.current.scrollHeight });
  }, [interactions.length]);

  useEffect(() => {
    let current = true;
    api
      .get<ConversationDetail>(`/api/conversations/${conversationId}`)
      .then((detail) => {
        if (!current) return;
        setConversation(detail);
        // Replies still in flight stay shown until the server's answer replaces them.
        setInteractions((shown) => shown.filter((item) => item.pending).reduce(upsert, [...detail.interactions].sort(byTime)));
        onCustomer(detail.customer.id);
      })
      .catch((failure: Error) => current && setError(failure.message));
    return () => {
      current = false;
    };
  }, [api, conversationId, onCustomer, resyncKey]);

  useAgentEvent('interaction.created', ({ interaction }) => {
    if (interaction.conversationId !== conversationId) return;
    // The socket may bring our own reply before the POST answers: it takes the pending copy's place.
    setInteractions((shown) => {
      const pending = shown.find((item) => item.pending && item.kind === interaction.kind && item.text === interaction.text);
      return upsert(pending ? shown.filter((item) => item !== pending) : shown, interaction);
    });
  });
  useAgentEvent('interaction.updated', ({ interaction }) => {
    if (interaction.conversationId === conversationId) setInteractions((shown) => upsert(shown, interaction));
  });
  useAgentEvent('conversation.updated', ({ conversation: changed }) => {
    if (changed.id === conversationId) setConversation((known) => known && { ...known, ...changed });
    else if (conversation && changed.customer.id === conversation.customer.id && conversation.customer.name !== changed.customer.name) {
      setConversation((known) => known && { ...known, customer: changed.customer });
    }
  });

  const change = useCallback(
    async (body: { status?: ConversationView['status']; assigneeId?: string | null }) => {
      setError(null);
      try {
        const changed = await api.patch<ConversationView>(`/api/conversations/${conversationId}`, body);
        setConversation((known) => known && { ...known, ...changed });
      } catch (failure) {
        setError(failure instanceof ApiError ? failure.message : 'The change failed.');
      }
    },
    [api, conversationId],
  );

  const send = useCallback(
    async (text: string, isPrivate: boolean): Promise<boolean> => {
      if (!conversation) return false;
      const pendingId = `pending-${crypto.randomUUID()}`;
      const optimistic: ShownInteraction = {
        id: pendingId,
        customerId: conversation.customer.id,
        conversationId,
        channel: conversation.channel,
        direction: 'outbound',
        kind: isPrivate ? 'note' : 'message',
        text,
        occurredAt: new Date().toISOString(),
        externalId: '',
        metadata: { agentName: agent.name },
        pending: true,
      };
      setInteractions((shown) => upsert(shown, optimistic));
      setError(null);
      try {
        const { interaction } = await api.post<{ interaction: InteractionView }>(`/api/conversations/${conversationId}/messages`, {
          text,
          ...(isPrivate && { private: true }),
        });
        // The socket may have brought it already; either way one copy, the server's.
        setInteractions((shown) =>
          upsert(
            shown.filter((item) => item.id !== pendingId),
            shown.find((i) => i.id === interaction.id) ?? interaction,
          ),
        );
        return true;
      } catch (failure) {
        setInteractions((shown) => shown.filter((item) => item.id !== pendingId));
        setError(failure instanceof ApiError ? failure.message : 'The reply was not sent.');
        return false;
      }
    },
    [api, agent.name, conversation, conversationId],
  );

  if (!conversation) {
    return (
      <section className="conversation-pane" aria-label="Conversation">
        {error ? <p role="alert">{error}</p> : <p className="muted">Loading…</p>}
      </section>
    );
  }
  return (
    <section className="conversation-pane" aria-label="Conversation">
      <header className="conversation-header">
        <h2>{conversation.customer.name ?? 'Unknown customer'}</h2>
        <span className={`channel-badge channel-${conversation.channel}`}>{channelName(conversation.channel)}</span>
        <span className={`status-badge status-${conversation.status}`}>{words(conversation.status)}</span>
        <span className="muted">
          {conversation.assigneeId === agent.id ? 'Assigned to you' : conversation.assigneeId ? 'Assigned' : 'Unassigned'}
        </span>
      </header>
      {conversation.csat && (
        <p className="csat" aria-label="Satisfaction">
          Satisfaction: {conversation.csat.score} of 5{conversation.csat.comment ? ` — “${conversation.csat.comment}”` : ''} (
          {fullTime(conversation.csat.respondedAt)})
        </p>
      )}
      <ol className="interactions" aria-label="Interactions" ref={thread}>
        {interactions.map((interaction) => (
          <InteractionItem key={interaction.id} interaction={interaction} />
        ))}
      </ol>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <ReplyBox
        status={conversation.status}
        channel={conversation.channel}
        onSend={send}
        onResolve={() => change({ status: 'resolved' })}
        onReopen={() => change({ status: 'open' })}
        onSnooze={() => change({ status: 'snoozed' })}
        onAssignToMe={() => change({ assigneeId: agent.id })}
      />
    </section>
  );
}

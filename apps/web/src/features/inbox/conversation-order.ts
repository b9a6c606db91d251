import type { Channel, ConversationStatus, ConversationView } from '../../api/contract';

export interface ListFilters {
  status: ConversationStatus | '';
  channel: Channel | '';
  /** `me` and `none` as the API takes them. */
  assignee: 'me' | 'none' | '';
}

/** The API's order: newest activity first, then id, both descending. */
export function compareConversations(a: ConversationView, b: ConversationView): number {
  const at = (c: ConversationView) => (c.lastInteractionAt ? Date.parse(c.lastInteractionAt) : -Infinity);
  if (at(a) !== at(b)) return at(b) - at(a);
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export function matchesFilters(conversation: ConversationView, filters: ListFilters, agentId: string): boolean {
  if (filters.status && conversation.status !== filters.status) return false;
  if (filters.channel && conversation.channel !== filters.channel) return false;
  if (filters.assignee === 'me' && conversation.assigneeId !== agentId) return false;
  if (filters.assignee === 'none' && conversation.assigneeId !== null) return false;
  return true;
}

/**
 * A live change to the loaded list: the conversation leaves it, or takes its place in the order.
 * One older than everything loaded while more pages remain is left for paging to bring.
 */
export function applyChange(
  items: readonly ConversationView[],
  changed: ConversationView,
  belongs: boolean,
  morePages: boolean,
): ConversationView[] {
  const rest = items.filter((item) => item.id !== changed.id);
  if (!belongs) return rest.length === items.length ? (items as ConversationView[]) : rest;
  const last = rest[rest.length - 1];
  if (morePages && last && compareConversations(changed, last) > 0) return rest;
  let low = 0;
  let high = rest.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (compareConversations(rest[middle], changed) <= 0) low = middle + 1;
    else high = middle;
  }
  return [...rest.slice(0, low), changed, ...rest.slice(low)];
}

/** Appends a page, skipping rows a live change already placed. */
export function appendPage(items: readonly ConversationView[], page: readonly ConversationView[]): ConversationView[] {
  const known = new Set(items.map((item) => item.id));
  return [...items, ...page.filter((item) => !known.has(item.id))];
}

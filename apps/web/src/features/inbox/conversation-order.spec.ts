import type { ConversationView } from '../../api/contract';
import { appendPage, applyChange, matchesFilters } from './conversation-order';

const conversation = (id: string, at: string | null, overrides: Partial<ConversationView> = {}): ConversationView => ({
  id,
  channel: 'sms',
  status: 'open',
  assigneeId: null,
  customer: { id: `customer-${id}`, name: id },
  lastInteractionAt: at,
  lastInteractionPreview: null,
  unreadCount: 0,
  ...overrides,
});

const ids = (list: ConversationView[]) => list.map((c) => c.id);
const loaded = [
  conversation('c', '2026-12-01T12:00:00Z'),
  conversation('b', '2026-12-01T11:00:00Z'),
  conversation('a', '2026-12-01T10:00:00Z'),
];

describe('the live conversation list', () => {
  it('moves a conversation with new activity to the top, once', () => {
    expect(ids(applyChange(loaded, conversation('a', '2026-12-01T13:00:00Z'), true, false))).toEqual(['a', 'c', 'b']);
  });

  it('places a new conversation by its time, ties broken by id as the API orders them', () => {
    expect(ids(applyChange(loaded, conversation('bb', '2026-12-01T11:00:00Z'), true, false))).toEqual(['c', 'bb', 'b', 'a']);
  });

  it('drops a conversation that no longer matches the filters', () => {
    expect(ids(applyChange(loaded, conversation('b', '2026-12-01T14:00:00Z', { status: 'resolved' }), false, false))).toEqual(['c', 'a']);
  });

  it('leaves one older than everything loaded to paging while more pages remain', () => {
    expect(ids(applyChange(loaded, conversation('z', '2026-11-01T00:00:00Z'), true, true))).toEqual(['c', 'b', 'a']);
    expect(ids(applyChange(loaded, conversation('z', '2026-11-01T00:00:00Z'), true, false))).toEqual(['c', 'b', 'a', 'z']);
  });

  it('skips rows of a page that a live change already placed', () => {
    expect(ids(appendPage(loaded, [conversation('a', '2026-12-01T10:00:00Z'), conversation('y', '2026-11-30T00:00:00Z')]))).toEqual([
      'c',
      'b',
      'a',
      'y',
    ]);
  });

  it('matches mine and unassigned against the agent', () => {
    const mine = conversation('m', null, { assigneeId: 'agent-1' });
    expect(matchesFilters(mine, { status: '', channel: '', assignee: 'me' }, 'agent-1')).toBe(true);
    expect(matchesFilters(mine, { status: '', channel: '', assignee: 'none' }, 'agent-1')).toBe(false);
    expect(matchesFilters(mine, { status: 'open', channel: 'email', assignee: '' }, 'agent-1')).toBe(false);
  });
});

import { useState, type FormEvent, type KeyboardEvent } from 'react';
import type { Channel, ConversationStatus } from '../../api/contract';
import { channelName } from '../../ui/format';

interface Props {
  status: ConversationStatus;
  channel: Channel;
  onSend: (text: string, isPrivate: boolean) => Promise<boolean>;
  onResolve: () => void;
  onReopen: () => void;
  onSnooze: () => void;
  onAssignToMe: () => void;
}

export function ReplyBox({ status, channel, onSend, onResolve, onReopen, onSnooze, onAssignToMe }: Props) {
  const [text, setText] = useState('');
  const [isPrivate, setPrivate] = useState(false);

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    const body = text.trim();
    if (!body) return;
    // Cleared at once (the reply shows as sending); given back if the hub refuses it.
    setText('');
    if (!(await onSend(body, isPrivate))) setText(body);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void submit();
    if (event.key === 'Escape') event.currentTarget.blur();
  }

  return (
    <form className={`reply-box${isPrivate ? ' reply-private' : ''}`} onSubmit={submit}>
      <label htmlFor="reply-text" className="reply-label">
        Reply
      </label>
      <textarea
        id="reply-text"
        rows={3}
        value={text}
        placeholder={isPrivate ? 'A note only agents see' : `Reply by ${channelName(channel)} (Ctrl+Enter sends)`}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="reply-actions">
        <label className="checkbox">
          <input type="checkbox" checked={isPrivate} onChange={(e) => setPrivate(e.target.checked)} />
          Private note
        </label>
        <button type="submit" className="primary">
          Send
        </button>
        <span className="spacer" />
        <button type="button" onClick={onAssignToMe}>
          Assign to me
        </button>
        {status !== 'snoozed' && status !== 'resolved' && (
          <button type="button" onClick={onSnooze}>
            Snooze
          </button>
        )}
        {status === 'resolved' || status === 'snoozed' ? (
          <button type="button" onClick={onReopen}>
            Reopen
          </button>
        ) : (
          <button type="button" id="resolve-button" onClick={onResolve}>
            Resolve
          </button>
        )}
      </div>
    </form>
  );
}

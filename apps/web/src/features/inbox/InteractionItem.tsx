import { useState } from 'react';
import type { Attachment, InteractionView } from '../../api/contract';
import { useSession } from '../../app/session';
import { bytes, channelName, duration, fullTime, words } from '../../ui/format';
import { EmailFrame } from './EmailFrame';

/** An interaction as shown: a reply still on its way to the hub is `pending`. */
export type ShownInteraction = InteractionView & { pending?: boolean };

const text = (value: unknown) => (typeof value === 'string' && value ? value : null);

function who(interaction: InteractionView): string {
  if (interaction.kind === 'note') return `Note by ${text(interaction.metadata.agentName) ?? 'an agent'}`;
  if (interaction.kind === 'call') return interaction.direction === 'inbound' ? 'Call from the customer' : 'Call to the customer';
  if (interaction.direction === 'inbound') return text(interaction.metadata.fromName) ?? 'Customer';
  return text(interaction.metadata.agentName) ?? 'Agent';
}

export function InteractionItem({ interaction }: { interaction: ShownInteraction }) {
  const status = interaction.pending ? 'sending' : interaction.deliveryStatus;
  return (
    <li
      className={`interaction interaction-${interaction.direction} interaction-${interaction.kind}`}
      aria-busy={interaction.pending || undefined}
    >
      <div className="interaction-meta">
        <span className={`channel-badge channel-${interaction.channel}`}>{channelName(interaction.channel)}</span>
        <span className="interaction-who">{who(interaction)}</span>
        <time dateTime={interaction.occurredAt}>{fullTime(interaction.occurredAt)}</time>
        {status && <span className={`delivery delivery-${status}`}>{words(status)}</span>}
        {interaction.intent && interaction.intent !== 'other' && <span className="intent">{interaction.intent}</span>}
      </div>
      {interaction.subject && <p className="subject">{interaction.subject}</p>}
      {interaction.kind === 'call' ? <CallCard interaction={interaction} /> : <Body interaction={interaction} />}
      <Attachments interaction={interaction} />
    </li>
  );
}

function Body({ interaction }: { interaction: InteractionView }) {
  const html = text(interaction.metadata.html);
  if (interaction.channel === 'email' && html) return <EmailFrame html={html} />;
  return <p className="interaction-text">{interaction.text}</p>;
}

function CallCard({ interaction }: { interaction: InteractionView }) {
  const { metadata } = interaction;
  const seconds = typeof metadata.durationSeconds === 'number' ? metadata.durationSeconds : null;
  const recording = text(metadata.recordingUrl);
  const safeRecording = recording && /^https?:\/\//i.test(recording) ? recording : null;
  return (
    <div className="call-card" role="group" aria-label="Call">
      <dl>
        <dt>Outcome</dt>
        <dd>{words(text(metadata.outcome) ?? 'unknown')}</dd>
        <dt>Duration</dt>
        <dd>{seconds === null ? 'not given' : duration(seconds)}</dd>
        {text(metadata.agentName) && (
          <>
            <dt>Agent</dt>
            <dd>{text(metadata.agentName)}</dd>
          </>
        )}
      </dl>
      {interaction.text && <p className="interaction-text">{interaction.text}</p>}
      {safeRecording && (
        <a href={safeRecording} target="_blank" rel="noopener noreferrer">
          Recording
        </a>
      )}
    </div>
  );
}

function Attachments({ interaction }: { interaction: InteractionView }) {
  const { api } = useSession();
  const [error, setError] = useState<string | null>(null);
  const list = Array.isArray(interaction.metadata.attachments) ? (interaction.metadata.attachments as Attachment[]) : [];
  if (list.length === 0) return null;

  async function download(attachment: Attachment) {
    setError(null);
    try {
      const url = URL.createObjectURL(await api.blob(`/api/attachments/${attachment.id}`));
      const link = document.createElement('a');
      link.href = url;
      link.download = attachment.filename;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  return (
    <ul className="attachments" aria-label="Attachments">
      {list.map((attachment) => (
        <li key={attachment.id}>
          <button type="button" className="link-button" onClick={() => void download(attachment)}>
            {attachment.filename}
          </button>{' '}
          <span className="muted">({bytes(attachment.size)})</span>
        </li>
      ))}
      {error && <li role="alert">{error}</li>}
    </ul>
  );
}

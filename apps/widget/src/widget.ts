// The Omnihub chat widget: one script tag (`<script src="https://hub.example/widget.js" defer>`)
// adds a chat bubble to any page. A plain script with no framework and no inline code or styles
// (styles are set through the DOM), so the host page's Content-Security-Policy can stay strict.
// It speaks socket.io's wire protocol (Engine.IO 4 over a WebSocket) itself to stay small.

interface ChatMessage {
  id: string;
  text: string;
  from: 'visitor' | 'agent';
  agentName?: string | null;
  createdAt: string;
}

type Ack = (answer: { ok: boolean; id?: string; error?: string }) => void;

(function omnihubChat(script: HTMLScriptElement | null) {
  const hubUrl = (script?.dataset.hubUrl ?? (script ? new URL(script.src).origin : location.origin)).replace(/\/+$/, '');
  const TOKEN_KEY = 'omnihub.chat.visitorToken';
  const NAMESPACE = '/chat';

  // --- socket.io over one WebSocket: connect, events, acks, heartbeat, reconnect -------------
  const handlers: Record<string, (payload: never) => void> = {};
  const acks: Record<number, Ack> = {};
  let ws: WebSocket | null = null;
  let connected = false;
  let nextAck = 1;
  let retryMs = 500;
  let heartbeat: number | undefined;

  function connect(): void {
    ws = new WebSocket(`${hubUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    ws.onmessage = (event) => onPacket(String(event.data));
    ws.onclose = () => {
      const wasConnected = connected;
      connected = false;
      window.clearTimeout(heartbeat);
      setStatus(wasConnected ? 'Reconnecting…' : 'Connecting…');
      window.setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
  }

  function send(data: string): void {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(data);
  }

  /** No ping within the server's interval and timeout: the connection is dead, start again. */
  function expectPing(ms: number): void {
    window.clearTimeout(heartbeat);
    heartbeat = window.setTimeout(() => ws?.close(), ms);
  }

  let pingWindow = 45_000;
  function onPacket(data: string): void {
    const engineType = data[0];
    if (engineType === '0') {
      const open = JSON.parse(data.slice(1)) as { pingInterval: number; pingTimeout: number };
      pingWindow = open.pingInterval + open.pingTimeout;
      expectPing(pingWindow);
      send(`40${NAMESPACE},${JSON.stringify({ visitorToken: localStorage.getItem(TOKEN_KEY) ?? undefined })}`);
    } else if (engineType === '2') {
      send('3');
      expectPing(pingWindow);
    } else if (engineType === '4') {
      onSocketPacket(data.slice(1));
    }
  }

  function onSocketPacket(packet: string): void {
    const type = packet[0];
    let rest = packet.slice(1);
    if (rest.startsWith('/')) {
      const comma = rest.indexOf(',');
      if (rest.slice(0, comma < 0 ? undefined : comma) !== NAMESPACE) return;
      rest = comma < 0 ? '' : rest.slice(comma + 1);
    }
    const idDigits = /^\d+/.exec(rest)?.[0] ?? '';
    const payload = rest.slice(idDigits.length) ? (JSON.parse(rest.slice(idDigits.length)) as unknown) : undefined;
    if (type === '0') {
      connected = true;
      retryMs = 500;
      setStatus('');
      resendPending();
    } else if (type === '4') {
      setStatus('Chat unavailable, retrying…');
      ws?.close();
    } else if (type === '2') {
      const [name, arg] = payload as [string, never];
      handlers[name]?.(arg);
    } else if (type === '3') {
      const ack = acks[Number(idDigits)];
      delete acks[Number(idDigits)];
      ack?.((payload as [Parameters<Ack>[0]])[0]);
    } else if (type === '1') {
      ws?.close();
    }
  }

  function emit(name: string, arg: unknown, ack?: Ack): void {
    let id = '';
    if (ack) {
      id = String(nextAck++);
      acks[Number(id)] = ack;
    }
    send(`42${NAMESPACE},${id}${JSON.stringify([name, arg])}`);
  }

  function on<T>(name: string, handler: (payload: T) => void): void {
    handlers[name] = handler as (payload: never) => void;
  }

  // --- the bubble and the panel ------------------------------------------------------------
  function element<K extends keyof HTMLElementTagNameMap>(
    tag: K,
    style: Partial<CSSStyleDeclaration>,
    text?: string,
  ): HTMLElementTagNameMap[K] {
    const el = document.createElement(tag);
    Object.assign(el.style, style);
    if (text !== undefined) el.textContent = text;
    return el;
  }

  const font = 'system-ui, -apple-system, "Segoe UI", sans-serif';
  const bubble = element(
    'button',
    {
      position: 'fixed',
      right: '20px',
      bottom: '20px',
      zIndex: '2147483000',
      padding: '12px 18px',
      borderRadius: '24px',
      border: 'none',
      background: '#1f5fbf',
      color: '#fff',
      font: `600 15px ${font}`,
      cursor: 'pointer',
      boxShadow: '0 2px 8px rgba(0,0,0,.3)',
    },
    'Chat with us',
  );
  bubble.type = 'button';
  bubble.setAttribute('aria-expanded', 'false');
  bubble.setAttribute('aria-controls', 'omnihub-chat-panel');

  const panel = element('section', {
    position: 'fixed',
    right: '20px',
    bottom: '76px',
    zIndex: '2147483000',
    width: '320px',
    maxWidth: 'calc(100vw - 40px)',
    height: '420px',
    maxHeight: 'calc(100vh - 120px)',
    display: 'none',
    flexDirection: 'column',
    background: '#fff',
    color: '#1a1a1a',
    border: '1px solid #c8c8c8',
    borderRadius: '12px',
    boxShadow: '0 4px 16px rgba(0,0,0,.25)',
    font: `14px ${font}`,
    overflow: 'hidden',
  });
  panel.id = 'omnihub-chat-panel';
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', 'Chat');

  const header = element('div', {
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'center',
    padding: '10px 12px',
    background: '#1f5fbf',
    color: '#fff',
  });
  const title = element('h2', { margin: '0', font: `600 15px ${font}` }, 'Chat');
  const close = element(
    'button',
    { background: 'transparent', border: 'none', color: '#fff', font: `20px ${font}`, cursor: 'pointer' },
    '×',
  );
  close.type = 'button';
  close.setAttribute('aria-label', 'Close chat');
  header.append(title, close);

  const log = element('ol', { listStyle: 'none', margin: '0', padding: '10px', flex: '1', overflowY: 'auto' });
  log.setAttribute('role', 'log');
  log.setAttribute('aria-label', 'Messages');
  log.setAttribute('aria-live', 'polite');

  const status = element('p', { margin: '0', padding: '0 12px', minHeight: '18px', color: '#555', font: `12px ${font}` });
  status.setAttribute('role', 'status');

  const form = element('form', { display: 'flex', gap: '6px', padding: '10px', borderTop: '1px solid #e0e0e0' });
  const input = element('textarea', {
    flex: '1',
    resize: 'none',
    height: '38px',
    padding: '6px',
    font: `14px ${font}`,
    border: '1px solid #8a8a8a',
    borderRadius: '6px',
  });
  input.setAttribute('aria-label', 'Message');
  input.placeholder = 'Type a message';
  const sendButton = element(
    'button',
    {
      padding: '0 14px',
      border: 'none',
      borderRadius: '6px',
      background: '#1f5fbf',
      color: '#fff',
      font: `600 14px ${font}`,
      cursor: 'pointer',
    },
    'Send',
  );
  sendButton.type = 'submit';
  form.append(input, sendButton);
  panel.append(header, log, status, form);

  let statusText = 'Connecting…';
  let typingText = '';
  function setStatus(text: string): void {
    statusText = text;
    status.textContent = statusText || typingText;
  }

  const shown = new Set<string>();
  function show(message: ChatMessage): void {
    if (shown.has(message.id)) return;
    shown.add(message.id);
    const mine = message.from === 'visitor';
    const item = element('li', {
      margin: '6px 0',
      padding: '8px 10px',
      borderRadius: '10px',
      maxWidth: '85%',
      whiteSpace: 'pre-wrap',
      overflowWrap: 'anywhere',
      background: mine ? '#e3edfb' : '#f1f1f1',
      marginLeft: mine ? 'auto' : '0',
    });
    const who = element(
      'span',
      { display: 'block', font: `600 12px ${font}`, color: '#444' },
      mine ? 'You' : (message.agentName ?? 'Agent'),
    );
    // Text only, never HTML: what anyone typed is shown as typed.
    const text = element('span', {}, message.text);
    item.append(who, text);
    log.append(item);
    log.scrollTop = log.scrollHeight;
  }

  function setOpen(open: boolean): void {
    panel.style.display = open ? 'flex' : 'none';
    bubble.setAttribute('aria-expanded', String(open));
    if (open) input.focus();
    else bubble.focus();
  }

  bubble.addEventListener('click', () => setOpen(panel.style.display === 'none'));
  close.addEventListener('click', () => setOpen(false));
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') setOpen(false);
  });

  // --- chat behaviour ----------------------------------------------------------------------
  /** Sent but not acknowledged: resent with the same clientMessageId after a reconnect. */
  const pending = new Map<string, string>();

  function newId(): string {
    return typeof crypto !== 'undefined' && 'randomUUID' in crypto
      ? crypto.randomUUID()
      : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  }

  function sendMessage(clientMessageId: string, text: string): void {
    emit('message', { text, clientMessageId }, (answer) => {
      if (answer.ok && answer.id) {
        pending.delete(clientMessageId);
        show({ id: answer.id, text, from: 'visitor', createdAt: new Date().toISOString() });
      } else if (!answer.ok) {
        pending.delete(clientMessageId);
        setStatus(answer.error ?? 'The message was not sent.');
      }
    });
  }

  function resendPending(): void {
    pending.forEach((text, clientMessageId) => sendMessage(clientMessageId, text));
  }

  let typingSent = false;
  let typingIdle: number | undefined;
  input.addEventListener('input', () => {
    if (!typingSent && connected) emit('typing', { typing: true });
    typingSent = true;
    window.clearTimeout(typingIdle);
    typingIdle = window.setTimeout(stopTyping, 3000);
  });
  function stopTyping(): void {
    window.clearTimeout(typingIdle);
    if (typingSent && connected) emit('typing', { typing: false });
    typingSent = false;
  }

  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    const clientMessageId = newId();
    pending.set(clientMessageId, text);
    input.value = '';
    stopTyping();
    if (connected) sendMessage(clientMessageId, text);
  });

  on<{ visitorId: string; visitorToken: string }>('session', ({ visitorToken }) => localStorage.setItem(TOKEN_KEY, visitorToken));
  on<{ messages: ChatMessage[] }>('history', ({ messages }) => messages.forEach(show));
  on<ChatMessage>('message', (message) => {
    typingText = '';
    setStatus(statusText);
    show(message);
  });
  on<{ typing: boolean; agentName?: string }>('typing', ({ typing, agentName }) => {
    typingText = typing ? `${agentName ?? 'An agent'} is typing…` : '';
    setStatus(statusText);
  });

  function start(): void {
    document.body.append(bubble, panel);
    setStatus('Connecting…');
    connect();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})(document.currentScript as HTMLScriptElement | null);

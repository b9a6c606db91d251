/** `<id@host>` tokens in a Message-ID, In-Reply-To or References header, in order, each once. */
export function messageIdsIn(header: string | string[] | undefined): string[] {
  if (!header) return [];
  const text = Array.isArray(header) ? header.join(' ') : header;
  const ids = [...text.matchAll(/<([^<>\s]+)>/g)].map((m) => `<${m[1]}>`);
  // A bare id (some clients leave out the brackets) is still the message's id.
  if (ids.length === 0 && /^[^\s<>]+@[^\s<>]+$/.test(text.trim())) ids.push(`<${text.trim()}>`);
  return [...new Set(ids)];
}

/**
 * Why a message was written by a machine rather than a person (RFC 3834 `Auto-Submitted`,
 * `Precedence: bulk|auto_reply|junk|list`, `X-Autoreply`, `X-Autorespond`), or null. Such mail is
 * stored, but nothing may ever answer it automatically: two autoresponders would loop.
 */
export function automaticReasonOf(header: (name: string) => string | undefined): string | null {
  const autoSubmitted = header('auto-submitted')?.trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return `Auto-Submitted: ${autoSubmitted}`;
  const precedence = header('precedence')?.trim().toLowerCase();
  if (precedence && ['bulk', 'auto_reply', 'junk', 'list'].includes(precedence)) return `Precedence: ${precedence}`;
  for (const name of ['x-autoreply', 'x-autorespond']) {
    const value = header(name)?.trim();
    if (value && value.toLowerCase() !== 'no') return `${name}: ${value}`;
  }
  return null;
}

/** The reply's subject: one `Re: ` in front of the thread's subject, never `Re: Re: `. */
export function replySubjectOf(subject: string | null | undefined): string {
  const base = (subject ?? '').replace(/^\s*((re|aw|sv|antw)\s*(\[\d+\])?\s*:\s*)+/i, '').trim();
  return `Re: ${base || 'your message'}`;
}

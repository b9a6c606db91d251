import { convert } from 'html-to-text';
import sanitizeHtml from 'sanitize-html';

/**
 * Inbound HTML as agents may see it: formatting and links kept; scripts, event handlers, styles,
 * forms, frames and `javascript:` URLs removed; no remote images (a tracking pixel tells the
 * sender when an agent opened the mail), only embedded ones (`cid:`, `data:`). Links open in a
 * new tab without access to the inbox (`rel="noopener noreferrer"`).
 */
export function sanitizeEmailHtml(html: string): string {
  return sanitizeHtml(html, EMAIL_HTML_POLICY);
}

const EMAIL_HTML_POLICY: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'font', 'center', 'u', 's'],
  allowedAttributes: {
    a: ['href', 'title', 'target', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    td: ['colspan', 'rowspan', 'align', 'valign'],
    th: ['colspan', 'rowspan', 'align', 'valign'],
    table: ['width', 'align'],
    '*': ['dir', 'lang'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['cid', 'data'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { target: '_blank', rel: 'noopener noreferrer' }),
  },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
};

/**
 * The plain text of a mail that has only HTML, read from the sanitized HTML, so nothing the
 * sanitizer removed (a `javascript:` link, a tracking pixel's URL) comes back in the text.
 */
export function textOfSanitizedHtml(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    ],
  }).trim();
}

/** An agent's plain-text reply as the HTML part of the mail: escaped, paragraphs and line breaks kept. */
export function textToHtml(text: string): string {
  const escaped = text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
  const paragraphs = escaped.split(/\n{2,}/).map((p) => `<p>${p.replace(/\n/g, '<br>')}</p>`);
  return `<!doctype html><html><body>${paragraphs.join('')}</body></html>`;
}

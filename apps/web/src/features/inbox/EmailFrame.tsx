import { useState } from 'react';
import frameStyles from './email-frame.css?url';

/**
 * The frame's own policy, inside the inbox page's (a `srcdoc` frame inherits it too): no script
 * at all, the hub's one stylesheet, and images only when the agent asks (the server keeps only
 * embedded ones; the frame shows none until then). The sandboxed frame's origin is opaque, so
 * the stylesheet's origin is named rather than `'self'`.
 */
const framePolicy = (images: boolean) =>
  `default-src 'none'; style-src ${window.location.origin}; img-src ${images ? 'data:' : "'none'"}; base-uri 'none'; form-action 'none'`;

function document(html: string, images: boolean): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${framePolicy(images)}"><base target="_blank"><link rel="stylesheet" href="${window.location.origin}${frameStyles}"></head><body>${html}</body></html>`;
}

/**
 * Email HTML (already sanitized by the hub) in a sandboxed frame: no `allow-scripts` and no
 * `allow-same-origin`, so even markup that slipped through runs nothing and reaches nothing of
 * the inbox. Links open in a new tab (popups allowed, escaping the sandbox, `noopener` by the hub).
 */
export function EmailFrame({ html }: { html: string }) {
  const [images, setImages] = useState(false);
  const hasImages = /<img\b/i.test(html);
  return (
    <div className="email-frame">
      <iframe
        title="Email message"
        sandbox="allow-popups allow-popups-to-escape-sandbox"
        referrerPolicy="no-referrer"
        srcDoc={document(html, images)}
      />
      {hasImages && !images && (
        <button type="button" className="link-button" onClick={() => setImages(true)}>
          Show images
        </button>
      )}
    </div>
  );
}

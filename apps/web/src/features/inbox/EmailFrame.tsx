import { useState } from 'react';

/**
 * The frame's own policy, inside the inbox page's: no script at all, and images only when the
 * agent asks (the server keeps only embedded ones; the frame shows none until then).
 */
const framePolicy = (images: boolean) =>
  `default-src 'none'; style-src 'unsafe-inline'; img-src ${images ? 'data:' : "'none'"}; base-uri 'none'; form-action 'none'`;

function document(html: string, images: boolean): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${framePolicy(images)}"><base target="_blank"><style>body{font:14px/1.45 system-ui,sans-serif;margin:8px;color:#1d2330;word-wrap:break-word}img{max-width:100%}</style></head><body>${html}</body></html>`;
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

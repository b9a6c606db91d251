/**
 * The newest part of a reply, without the quoted history most clients append: lines quoted with
 * `>`, and everything from an attribution line (`On … wrote:`, `-----Original Message-----`,
 * Outlook's `From: … Sent: …` block) on. Used for the inbox preview; the full text is kept.
 */
export function latestReplyOf(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (ATTRIBUTION.some((pattern) => pattern.test(line))) break;
    // `On Mon, … at 10:00, Alice <a@b> wrote:` is often wrapped over two lines.
    if (/^on\b/i.test(line) && /wrote:$/i.test(`${line} ${lines[i + 1]?.trim() ?? ''}`) && !/wrote:$/i.test(line)) break;
    if (/^from:\s/i.test(line) && /^(sent|date):\s/i.test(lines[i + 1]?.trim() ?? '')) break;
    if (line.startsWith('>')) continue;
    kept.push(lines[i]);
  }
  const latest = kept.join('\n').trim();
  // A message that is only a quote (a forward with nothing added) keeps its whole text.
  return latest || text.trim();
}

const ATTRIBUTION = [
  /^on\b.*\bwrote:$/i,
  /^-{2,}\s*original message\s*-{2,}$/i,
  /^-{2,}\s*forwarded message\s*-{2,}$/i,
  /^_{10,}$/,
  /^le\b.*\ba écrit\s*:$/i,
  /^am\b.*\bschrieb\b.*:$/i,
];

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChannelRegistry, readChannelSettings } from './channel-registry';
import { CHANNELS } from './interaction';

const ROOT = join(__dirname, '..', '..', '..');
/** The code every channel goes through; it finds channels in the registry and never names one. */
const GENERIC_FILES = [
  'libs/crm-core/src/interactions/interaction-ingest.service.ts',
  'libs/crm-core/src/outbound/outbound-messages.service.ts',
  'apps/worker/src/outbound/outbound-sender.service.ts',
  'apps/worker/src/ingest/ingest.processor.ts',
  'apps/api/src/ingress/ingress-queue.service.ts',
  'libs/crm-core/src/satisfaction/satisfaction.service.ts',
  'apps/api/src/conversations/conversation-triage.service.ts',
];
const CHANNEL_WORDS = new RegExp(`\\b(${[...CHANNELS, 'twilio', 'smtp', 'call log', 'call-log', 'stop'].join('|')})\\b`, 'i');

const settingsReader = () => ({
  problems: [] as string[],
  optional: () => undefined,
  string: (_: string, fallback: string) => fallback,
  url: (_: string, fallback: string | undefined) => fallback,
});

describe('the channel registry', () => {
  it('builds every registered channel under its own name', () => {
    const registry = new ChannelRegistry(readChannelSettings(settingsReader()));
    for (const channel of CHANNELS) expect(registry.find(channel)?.channel ?? channel).toBe(channel);
    expect(registry.get('sms').channel).toBe('sms');
    expect(registry.get('phone').channel).toBe('phone');
  });

  it.each(GENERIC_FILES)('%s names no channel', (file) => {
    const source = readFileSync(join(ROOT, file), 'utf8');
    expect(source.split('\n').filter((line) => CHANNEL_WORDS.test(line))).toEqual([]);
  });
});

import { Redis } from 'ioredis';
import { bearer, createPartner, login, request } from '../../support/clients';
import { Hub } from '../../support/hub';
import { waitFor } from '../../support/wait-for';

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();

/** The scan on its schedule: `RETENTION_SCAN_CRON` (here every second) runs it with no one asking. */
describe('retention scan on RETENTION_SCAN_CRON', () => {
  let hub: Hub;
  let admin: string;

  beforeAll(async () => {
    hub = await Hub.start({ name: 'retention_schedule', redisDb: 'private', env: { RETENTION_SCAN_CRON: '* * * * * *' } });
    admin = await login(hub.api.url);
  });
  afterAll(() => hub?.stop());

  it('finds a silent customer by itself, one scan at a time across workers', async () => {
    const partner = await createPartner(hub.api.url, admin);
    const logs = Array.from({ length: 13 }, (_, i) => ({
      externalId: `scheduled-${i}`,
      direction: 'inbound',
      customerPhone: '+15558880001',
      startedAt: daysAgo(100 + 14 * i),
      outcome: 'answered',
    }));
    expect((await request(hub.api.url, 'POST', '/api/call-logs', { body: logs, headers: { 'x-api-key': partner.apiKey } })).status).toBe(
      202,
    );
    const task = await waitFor('the scheduled scan’s task', async () => {
      const { body } = await request<{ items: Array<{ signs: string[]; reason: string }> }>(
        hub.api.url,
        'GET',
        '/api/tasks?kind=attrition',
        {
          headers: bearer(admin),
        },
      );
      return body.items[0];
    });
    expect(task.signs).toEqual(['silence']);
    expect(task.reason).toMatch(/^No contact for \d+ days/);

    const redis = new Redis(hub.redisUrl);
    try {
      expect(await redis.hget('bull:retention-scan:meta', 'concurrency')).toBe('1');
    } finally {
      redis.disconnect();
    }
  });
});

import { DependencyOutage } from './dependency-outage';

function recorder() {
  const lines: Array<{ level: string } & Record<string, unknown>> = [];
  return {
    lines,
    logger: {
      error: (line: Record<string, unknown>) => lines.push({ level: 'error', ...line }),
      warn: (line: Record<string, unknown>) => lines.push({ level: 'warn', ...line }),
    },
  };
}

describe('DependencyOutage', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => (clock = 1_000_000));

  it('logs one line when the first connection fails and one when the last failing one is back', () => {
    const { lines, logger } = recorder();
    const outage = new DependencyOutage('redis', logger, now);
    const [producer, queue, adapter] = [{}, {}, {}];
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });

    outage.failed(producer, refused);
    outage.failed(queue, refused);
    for (let retry = 0; retry < 50; retry++) outage.failed(producer, refused);
    expect(outage.down).toBe(true);
    clock += 12_340;
    outage.connected(producer);
    outage.connected(adapter); // never failed: changes nothing
    expect(outage.down).toBe(true);
    outage.connected(queue);

    expect(outage.down).toBe(false);
    expect(lines).toEqual([
      { level: 'error', dependency: 'redis', outage: 'down', error: 'connect ECONNREFUSED 127.0.0.1:6379', msg: 'redis is unreachable' },
      { level: 'warn', dependency: 'redis', outage: 'recovered', downForSeconds: 12.3, msg: 'redis is reachable again' },
    ]);
  });

  it('names the error code when the message does not, and starts over for the next outage', () => {
    const { lines, logger } = recorder();
    const outage = new DependencyOutage('postgres', logger, now);
    const pool = {};
    outage.failed(pool, Object.assign(new Error('Connection terminated unexpectedly'), { code: '57P01' }));
    outage.connected(pool);
    outage.failed(pool, 'a string');
    expect(lines.map((line) => [line.outage, line.error])).toEqual([
      ['down', '57P01: Connection terminated unexpectedly'],
      ['recovered', undefined],
      ['down', 'a string'],
    ]);
  });

  it('stops waiting for a connection closed on purpose, without claiming a recovery', () => {
    const { lines, logger } = recorder();
    const outage = new DependencyOutage('redis', logger, now);
    const client = {};
    outage.failed(client, new Error('connect ECONNREFUSED'));
    outage.closed(client);
    outage.connected(client);
    expect(outage.down).toBe(false);
    expect(lines.map((line) => line.outage)).toEqual(['down']);
  });
});

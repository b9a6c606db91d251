import type { Page } from './contract';

/** A refused request, with the hub's readable `message` (the contract's error body). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | undefined | null>;

/** The REST API as this agent: bearer token on every call, JSON in and out. */
export class ApiClient {
  constructor(
    private readonly token: string,
    private readonly onUnauthorized: () => void,
  ) {}

  get<T>(path: string, query: Query = {}): Promise<T> {
    return this.send<T>('GET', withQuery(path, query));
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>('POST', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>('PATCH', path, body);
  }

  /** Every page of a list route, up to `max` items (the inbox never needs unbounded lists). */
  async all<T>(path: string, query: Query, max: number): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<T> = await this.get<Page<T>>(path, { ...query, limit: 100, cursor });
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && items.length < max);
    return items;
  }

  /** An attachment's bytes: the route needs the bearer token, so a plain link cannot fetch it. */
  async blob(path: string): Promise<Blob> {
    const response = await fetch(path, { headers: { authorization: `Bearer ${this.token}` } });
    if (!response.ok) throw new ApiError(response.status, `download failed (${response.status})`);
    return response.blob();
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'The hub cannot be reached. Check the connection and try again.');
    }
    const text = await response.text();
    const json: unknown = text ? safeJson(text) : undefined;
    if (response.status === 401) this.onUnauthorized();
    if (!response.ok) throw new ApiError(response.status, messageOf(json) ?? `The hub answered ${response.status}.`);
    return json as T;
  }
}

export async function logIn(email: string, password: string): Promise<unknown> {
  const response = await fetch('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const json: unknown = safeJson(await response.text());
  if (!response.ok) {
    throw new ApiError(response.status, response.status === 401 ? 'Wrong email or password.' : (messageOf(json) ?? 'Logging in failed.'));
  }
  return json;
}

function withQuery(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function messageOf(json: unknown): string | undefined {
  if (typeof json === 'object' && json !== null && 'message' in json) {
    const { message } = json as { message: unknown };
    if (typeof message === 'string') return message;
    if (Array.isArray(message)) return message.join('; ');
  }
  return undefined;
}

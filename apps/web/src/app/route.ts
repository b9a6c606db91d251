import { useEffect, useState } from 'react';

export type Route =
  { view: 'inbox'; conversationId: string | null } | { view: 'customer'; customerId: string } | { view: 'tasks' } | { view: 'retention' };

/** Hash routes, so the api serves one page at `/` and nothing else. */
export function parseRoute(hash: string): Route {
  const [, first, second] = hash.replace(/^#/, '').split('/');
  if (first === 'tasks') return { view: 'tasks' };
  if (first === 'retention') return { view: 'retention' };
  if (first === 'customers' && second) return { view: 'customer', customerId: second };
  if (first === 'conversations' && second) return { view: 'inbox', conversationId: second };
  return { view: 'inbox', conversationId: null };
}

export const hrefFor = {
  inbox: () => '#/',
  conversation: (id: string) => `#/conversations/${id}`,
  customer: (id: string) => `#/customers/${id}`,
  tasks: () => '#/tasks',
  retention: () => '#/retention',
};

export function navigate(href: string): void {
  window.location.hash = href;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

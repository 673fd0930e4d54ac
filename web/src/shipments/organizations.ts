import { api, type ResponseBody } from '../api/client';
import { useResource } from '../api/use-resource';

export type Organization = ResponseBody<'/api/v1/organizations', 'get'>['data'][number];

/**
 * The organizations to choose from in filters and forms (the first 200 by name would need a search
 * box beyond that; a deployment has tens). Partners may not list organizations: they get none.
 */
export function useOrganizations(allowed: boolean): Organization[] {
  const organizations = useResource(`organizations:${allowed}`, (signal) =>
    allowed ? api.GET('/api/v1/organizations', { params: { query: { limit: 200 } }, signal }) : Promise.resolve({ data: { data: [], nextCursor: null }, response: new Response() }),
  );
  return organizations.state === 'ready' ? [...organizations.data.data].sort((a, b) => a.name.localeCompare(b.name)) : [];
}

import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.gen';

/** The served schemas, as openapi-typescript generated them from the checked-in openapi.json. */
export type Schemas = components['schemas'];

// An operation without a JSON body in the contract yields a type with no fields, so using one fails the type-check.
type Json<R> = R extends { content: { 'application/json': infer Body } } ? Body : { 'no JSON body in the contract': never };
type Responses<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer R } ? R : never;
/** The JSON body an operation answers with the given status, straight from the contract. */
export type ResponseBody<P extends keyof paths, M extends keyof paths[P], S extends keyof Responses<P, M> = 200 & keyof Responses<P, M>> = Json<
  Responses<P, M>[S]
>;

let bearer: string | null = null;
let onUnauthorized: () => void = () => {};

/** The token goes into the Authorization header of API calls, and nowhere else. */
export function setBearer(token: string | null): void {
  bearer = token;
}

/** What to do when the API answers 401 (the token expired or was revoked): sign out. */
export function onSessionEnded(handler: () => void): void {
  onUnauthorized = handler;
}

const auth: Middleware = {
  onRequest({ request }) {
    if (bearer && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${bearer}`);
    return request;
  },
  onResponse({ response, request }) {
    if (response.status === 401 && request.headers.get('authorization') === `Bearer ${bearer}`) onUnauthorized();
    return response;
  },
};

/** Every call to the service goes through this client, typed from the contract. */
export const api = createClient<paths>({ baseUrl: '' });
api.use(auth);

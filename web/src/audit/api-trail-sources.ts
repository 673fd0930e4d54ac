/**
 * The trail verification's answers, fetched by this browser through the typed client: the log's key,
 * its latest checkpoint (with the consistency proof from a remembered size), inclusion proofs and the
 * witnesses whose keys check the checkpoint's cosignatures.
 */
import { api } from '../api/client';
import { LogBehindError, type TrailSources } from './trail-verification';

class SourceError extends Error {
  override name = 'SourceError';
}

function answer<T>({ data, response }: { data?: T; response: Response }): T {
  if (!response.ok || data === undefined)
    throw new SourceError(`${response.url} answered ${response.status}`);
  return data;
}

export function apiTrailSources(signal: AbortSignal): TrailSources {
  return {
    publicKey: async () => answer(await api.GET('/api/v1/audit/public-key', { signal })),
    checkpoint: async (since) => {
      const result = await api.GET('/api/v1/audit/checkpoint', {
        params: { query: since === undefined ? {} : { since } },
        signal,
      });
      // 409: the log claims fewer entries than the checkpoint this browser holds.
      if (result.response.status === 409) throw new LogBehindError();
      return answer(result);
    },
    inclusion: async (seq, treeSize) =>
      answer(
        await api.GET('/api/v1/audit/proof/inclusion', { params: { query: { seq, treeSize } }, signal }),
      ),
    witnesses: async () => answer(await api.GET('/api/v1/audit/witnesses', { signal })).data,
  };
}

import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import { NETWORK_FAILURE, toFailure, type ApiFailure } from './problem';

export type Resource<T> =
  | { state: 'loading' }
  | { state: 'ready'; data: T; response: Response }
  | { state: 'failed'; failure: ApiFailure };

type Call<T> = (signal: AbortSignal) => Promise<{ data?: T; error?: unknown; response: Response }>;

const LOADING = { state: 'loading' } as const;

/**
 * Loads one API resource for a screen and keeps its state: loading, ready, or failed with the status
 * the screen turns into "not found", "forbidden" or "try again". `key` names what is loaded (the
 * call runs again when it changes); `reload` fetches it again.
 */
export function useResource<T>(key: string, call: Call<T>): Resource<T> & { reload: () => void } {
  const [round, setRound] = useState(0);
  const [result, setResult] = useState<{ key: string; resource: Resource<T> } | null>(null);
  const load = useEffectEvent((signal: AbortSignal) => call(signal));
  const current = `${round}:${key}`;
  useEffect(() => {
    const controller = new AbortController();
    const settle = (resource: Resource<T>) => {
      if (!controller.signal.aborted) setResult({ key: current, resource });
    };
    load(controller.signal).then(
      ({ data, error, response }) =>
        settle(response.ok && data !== undefined ? { state: 'ready', data, response } : { state: 'failed', failure: toFailure(response.status, error) }),
      () => settle({ state: 'failed', failure: NETWORK_FAILURE }),
    );
    return () => controller.abort();
  }, [current]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { ...(result?.key === current ? result.resource : LOADING), reload };
}

import { useCallback, useEffect, useState } from 'react';
import { api, type ResponseBody } from '../api/client';
import { NETWORK_FAILURE, toFailure, type ApiFailure } from '../api/problem';
import { apiTrailSources } from './api-trail-sources';
import { recallCheckpoint, rememberCheckpoint } from './checkpoint-memory';
import { verifyTrail, type RememberedCheckpoint, type TrailVerdict } from './trail-verification';

export type HistoryEntry = ResponseBody<'/api/v1/shipments/{id}/history', 'get'>['data'][number];

export type VerifiedTrail =
  | { phase: 'loading' }
  | { phase: 'failed'; failure: ApiFailure }
  /**
   * `verdict` is undefined while the first check runs; `checking` is true while any check runs;
   * `heldBefore` is the checkpoint this browser held when the check began.
   */
  | {
      phase: 'ready';
      entries: HistoryEntry[];
      verdict?: TrailVerdict;
      checking: boolean;
      heldBefore?: RememberedCheckpoint;
    };

// Entries are sequenced within about two seconds of the change; look again at that pace for a while.
const RECHECK_MS = 2000;
const MAX_RECHECKS = 15;
const PAGE_LIMIT = 200;

/**
 * A shipment's history, verified by this browser: loaded, checked against a signed checkpoint, and
 * loaded and checked again every two seconds while some entry is still pending.
 */
export function useVerifiedTrail(shipmentId: string): VerifiedTrail & { recheck: () => void } {
  const [trail, setTrail] = useState<VerifiedTrail>({ phase: 'loading' });
  const [round, setRound] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = async (attempt: number) => {
      const history = await loadHistory(shipmentId, signal);
      if (signal.aborted) return;
      if (!Array.isArray(history)) {
        setTrail({ phase: 'failed', failure: history });
        return;
      }
      setTrail((previous) =>
        previous.phase === 'ready'
          ? { ...previous, entries: history, checking: true }
          : { phase: 'ready', entries: history, checking: true },
      );
      const heldBefore = recallCheckpoint(localStorage);
      const verdict = await verifyTrail(history, apiTrailSources(signal), heldBefore);
      if (signal.aborted) return;
      if (verdict.remember) rememberCheckpoint(verdict.remember, localStorage);
      setTrail({ phase: 'ready', entries: history, verdict, checking: false, heldBefore });
      if (verdict.state === 'pending' && attempt < MAX_RECHECKS)
        timer = setTimeout(() => void start(attempt + 1), RECHECK_MS);
    };
    const start = (attempt: number) =>
      check(attempt).catch(() => {
        if (!signal.aborted) setTrail({ phase: 'failed', failure: NETWORK_FAILURE });
      });
    void start(0);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [shipmentId, round]);

  const recheck = useCallback(() => setRound((n) => n + 1), []);
  return { ...trail, recheck };
}

/** Every page of the shipment's history (a shipment has a few dozen entries at most). */
async function loadHistory(id: string, signal: AbortSignal): Promise<HistoryEntry[] | ApiFailure> {
  const entries: HistoryEntry[] = [];
  let cursor: string | undefined;
  do {
    const query = cursor === undefined ? { limit: PAGE_LIMIT } : { limit: PAGE_LIMIT, cursor };
    const { data, error, response } = await api.GET('/api/v1/shipments/{id}/history', {
      params: { path: { id }, query },
      signal,
    });
    if (!response.ok || !data) return toFailure(response.status, error);
    entries.push(...data.data);
    cursor = data.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return entries;
}

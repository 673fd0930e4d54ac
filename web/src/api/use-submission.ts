import { useCallback, useRef, useState } from 'react';
import { newIdempotencyKey } from './idempotency-key';
import { NETWORK_FAILURE, toFailure, type ApiFailure } from './problem';

type Call<T> = (idempotencyKey: string) => Promise<{ data?: T; error?: unknown; response: Response }>;

/**
 * A form's submission: one in flight at a time (a second click while it runs does nothing), the
 * failure kept for the form to show at its fields, and an Idempotency-Key made when the form opened and
 * sent with every try, so a retry after a dropped answer records once. `renew` opens the form anew.
 */
export function useSubmission() {
  const [idempotencyKey, setIdempotencyKey] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const inFlight = useRef(false);

  const submit = useCallback(
    async <T>(call: Call<T>): Promise<{ data: T | undefined } | null> => {
      if (inFlight.current) return null;
      inFlight.current = true;
      setBusy(true);
      setFailure(null);
      try {
        const { data, error, response } = await call(idempotencyKey);
        if (response.ok) return { data };
        setFailure(toFailure(response.status, error));
      } catch {
        setFailure(NETWORK_FAILURE);
      } finally {
        inFlight.current = false;
        setBusy(false);
      }
      return null;
    },
    [idempotencyKey],
  );
  const renew = useCallback(() => {
    setIdempotencyKey(newIdempotencyKey());
    setFailure(null);
  }, []);
  return { submit, busy, failure, setFailure, renew, idempotencyKey };
}

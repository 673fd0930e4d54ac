import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, onSessionEnded, setBearer, type ResponseBody } from '../api/client';

export type Me = ResponseBody<'/api/v1/me', 'get'>;

const TOKEN_KEY = 'aidtrail.token';

interface Session {
  /** The caller as /me describes it; null while signed out. */
  me: Me | null;
  /** True while a stored token is being checked at start-up. */
  restoring: boolean;
  /** Set when the service ended the session (401): the sign-in screen says why. */
  ended: boolean;
  signIn(token: string, me: Me): void;
  signOut(): void;
}

const SessionContext = createContext<Session | null>(null);

/**
 * The signed-in token lives in sessionStorage (this tab only, gone when it closes) and reaches the
 * service only in the Authorization header; it never goes into a URL, the history or a log.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [restoring, setRestoring] = useState(() => sessionStorage.getItem(TOKEN_KEY) !== null);
  const [ended, setEnded] = useState(false);

  const signOut = useCallback(() => {
    sessionStorage.removeItem(TOKEN_KEY);
    setBearer(null);
    setMe(null);
  }, []);

  const signIn = useCallback((token: string, who: Me) => {
    sessionStorage.setItem(TOKEN_KEY, token);
    setBearer(token);
    setEnded(false);
    setMe(who);
  }, []);

  useEffect(() => {
    onSessionEnded(() => {
      signOut();
      setEnded(true);
    });
    const stored = sessionStorage.getItem(TOKEN_KEY);
    if (!stored) return;
    setBearer(stored);
    api.GET('/api/v1/me').then(
      ({ data }) => {
        if (data) setMe(data);
        setRestoring(false);
      },
      () => setRestoring(false),
    );
  }, [signOut]);

  const session = useMemo(() => ({ me, restoring, ended, signIn, signOut }), [me, restoring, ended, signIn, signOut]);
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The signed-in caller; screens behind the sign-in gate only. */
export function useMe(): Me {
  const { me } = useSession();
  if (!me) throw new Error('useMe while signed out');
  return me;
}

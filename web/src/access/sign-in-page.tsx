import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { t } from '../i18n';
import { Field } from '../ui/field';
import { PageTitle } from '../ui/page-title';
import { useSession } from './session';

/** Sign-in with an access token: checked against /me before it is kept. */
export function SignInPage() {
  const { signIn, ended } = useSession();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const secret = token.trim();
    if (!secret) return setError(t.access.tokenRequired);
    setBusy(true);
    setError(null);
    try {
      const { data, response } = await api.GET('/api/v1/me', { headers: { authorization: `Bearer ${secret}` } });
      if (data) return signIn(secret, data);
      setError(response.status === 429 ? t.access.tooManyAttempts : response.status === 401 ? t.access.invalidToken : t.states.serverError);
    } catch {
      setError(t.states.networkError);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="sign-in">
      <PageTitle title={t.access.signInTitle}>{t.access.signInTitle}</PageTitle>
      {ended && (
        <p className="alert alert-warning" role="status">
          {t.access.sessionEnded}
        </p>
      )}
      <p>{t.access.signInIntro}</p>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Field label={t.access.tokenLabel} hint={t.access.tokenHint} error={error ?? undefined} required>
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={token}
              onChange={(event) => setToken(event.target.value)}
            />
          )}
        </Field>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t.access.signingIn : t.access.signIn}
        </button>
      </form>
    </section>
  );
}

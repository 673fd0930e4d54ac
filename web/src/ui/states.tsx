import { Link } from 'wouter';
import type { ApiFailure } from '../api/problem';
import { t } from '../i18n';
import { PageTitle } from './page-title';

export function Loading() {
  return (
    <p className="state-loading" role="status">
      {t.states.loading}
    </p>
  );
}

export function NotFound() {
  return (
    <section className="state-page">
      <PageTitle title={t.states.notFoundTitle}>{t.states.notFoundTitle}</PageTitle>
      <p>{t.states.notFound}</p>
      <Link href="/shipments">{t.states.backToShipments}</Link>
    </section>
  );
}

export function Forbidden() {
  return (
    <section className="state-page">
      <PageTitle title={t.states.forbiddenTitle}>{t.states.forbiddenTitle}</PageTitle>
      <p>{t.states.forbidden}</p>
      <Link href="/shipments">{t.states.backToShipments}</Link>
    </section>
  );
}

/** A failed load: "not found" and "forbidden" are pages of their own; the rest offers a retry. */
export function LoadFailure({ failure, retry }: { failure: ApiFailure; retry: () => void }) {
  if (failure.status === 404) return <NotFound />;
  if (failure.status === 403) return <Forbidden />;
  return (
    <div className="alert alert-error" role="alert">
      <p>{failureMessage(failure)}</p>
      <button type="button" onClick={retry}>
        {t.states.retry}
      </button>
    </div>
  );
}

/** One sentence for a failure that is not about a single field. */
export function failureMessage(failure: ApiFailure): string {
  if (failure.status === 0) return t.states.networkError;
  if (failure.status >= 500) return t.states.serverError;
  if (failure.status === 403) return t.states.forbidden;
  return failure.detail ?? failure.title ?? t.states.serverError;
}

export function ErrorAlert({ failure }: { failure: ApiFailure | null }) {
  if (!failure) return null;
  return (
    <div className="alert alert-error" role="alert">
      <p>{failureMessage(failure)}</p>
    </div>
  );
}

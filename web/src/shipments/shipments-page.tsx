import { useState, type FormEvent } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { api, type ResponseBody } from '../api/client';
import { NETWORK_FAILURE, toFailure, type ApiFailure } from '../api/problem';
import { useResource } from '../api/use-resource';
import { may } from '../access/permissions';
import { useMe } from '../access/session';
import { t } from '../i18n';
import { Field } from '../ui/field';
import { money } from '../ui/locale-format';
import { dateTime } from '../ui/locale-format';
import { PageTitle } from '../ui/page-title';
import { ErrorAlert, LoadFailure, Loading } from '../ui/states';
import { StatusBadge } from '../ui/status-badge';
import { useOrganizations, type Organization } from './organizations';
import { STATUSES, type Status } from './vocabulary';

type Page = ResponseBody<'/api/v1/shipments', 'get'>;
type Row = Page['data'][number];

const FILTERS = ['status', 'donorId', 'recipientId', 'destinationCountry', 'emergency', 'q'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

function readFilters(search: string): Filters {
  const params = new URLSearchParams(search);
  return Object.fromEntries(FILTERS.flatMap((name) => (params.get(name) ? [[name, params.get(name)!]] : [])));
}

function listQuery(filters: Filters, cursor?: string) {
  const { status, ...rest } = filters;
  return { ...rest, ...(status ? { status: [status as Status] } : {}), ...(cursor ? { cursor } : {}), limit: 25 };
}

/** The shipments the caller may see, filtered as the API filters, a page at a time ("More"). */
export function ShipmentsPage() {
  const me = useMe();
  const search = useSearch();
  const filters = readFilters(search);
  const organizations = useOrganizations(may.listOrganizations(me));
  const first = useResource(`shipments?${search}`, (signal) => api.GET('/api/v1/shipments', { params: { query: listQuery(filters) }, signal }));
  const [more, setMore] = useState<{ search: string; rows: Row[]; cursor: string | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreFailure, setMoreFailure] = useState<ApiFailure | null>(null);

  const extra = more?.search === search ? more : null;
  const rows = first.state === 'ready' ? [...first.data.data, ...(extra?.rows ?? [])] : [];
  const cursor = extra ? extra.cursor : first.state === 'ready' ? first.data.nextCursor : null;

  async function loadMore() {
    if (!cursor) return;
    setLoadingMore(true);
    setMoreFailure(null);
    try {
      const { data, error, response } = await api.GET('/api/v1/shipments', { params: { query: listQuery(filters, cursor) } });
      if (data) setMore({ search, rows: [...(extra?.rows ?? []), ...data.data], cursor: data.nextCursor });
      else setMoreFailure(toFailure(response.status, error));
    } catch {
      setMoreFailure(NETWORK_FAILURE);
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <section>
      <PageTitle title={t.shipments.listTitle}>{t.shipments.listTitle}</PageTitle>
      <FilterForm key={search} filters={filters} organizations={organizations} showOrganizations={may.listOrganizations(me)} />
      {first.state === 'loading' && <Loading />}
      {first.state === 'failed' && <LoadFailure failure={first.failure} retry={first.reload} />}
      {first.state === 'ready' &&
        (rows.length === 0 ? (
          <p className="panel">{Object.keys(filters).length ? t.shipments.empty : t.shipments.emptyNone}</p>
        ) : (
          <>
            <ShipmentTable rows={rows} />
            <div className="list-footer">
              <p className="muted" role="status">
                {t.shipments.shown(rows.length)}
              </p>
              {cursor && (
                <button type="button" onClick={() => void loadMore()} disabled={loadingMore}>
                  {loadingMore ? t.shipments.loadingMore : t.shipments.more}
                </button>
              )}
            </div>
            <ErrorAlert failure={moreFailure} />
          </>
        ))}
    </section>
  );
}

function FilterForm({ filters, organizations, showOrganizations }: { filters: Filters; organizations: Organization[]; showOrganizations: boolean }) {
  const [, navigate] = useLocation();
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const params = new URLSearchParams();
    for (const name of FILTERS) {
      const value = String(form.get(name) ?? '').trim();
      if (value) params.set(name, name === 'destinationCountry' ? value.toUpperCase() : value);
    }
    const query = params.toString();
    navigate(query ? `/shipments?${query}` : '/shipments');
  }
  const organizationSelect = (name: 'donorId' | 'recipientId', label: string) => (
    <Field markOptional={false} label={label}>
      {(control) => (
        <select {...control} name={name} defaultValue={filters[name] ?? ''}>
          <option value="">{t.shipments.anyOrganization}</option>
          {organizations.map((organization) => (
            <option key={organization.id} value={organization.id}>
              {organization.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
  return (
    <form className="panel filters" onSubmit={submit} aria-label={t.shipments.filters} role="search">
      <div className="grid">
        <Field markOptional={false} label={t.shipments.text} hint={t.shipments.textHint}>
          {(control) => <input {...control} name="q" type="search" defaultValue={filters.q} />}
        </Field>
        <Field markOptional={false} label={t.shipments.status}>
          {(control) => (
            <select {...control} name="status" defaultValue={filters.status ?? ''}>
              <option value="">{t.shipments.anyStatus}</option>
              {STATUSES.map((status) => (
                <option key={status} value={status}>
                  {t.status[status]}
                </option>
              ))}
            </select>
          )}
        </Field>
        {showOrganizations && organizationSelect('donorId', t.shipments.donor)}
        {showOrganizations && organizationSelect('recipientId', t.shipments.recipient)}
        <Field markOptional={false} label={t.shipments.destination} hint={t.shipments.destinationHint}>
          {(control) => <input {...control} name="destinationCountry" maxLength={2} autoCapitalize="characters" defaultValue={filters.destinationCountry} />}
        </Field>
        <Field markOptional={false} label={t.shipments.emergency}>{(control) => <input {...control} name="emergency" defaultValue={filters.emergency} />}</Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="primary">
          {t.shipments.apply}
        </button>
        {Object.keys(filters).length > 0 && (
          <Link href="/shipments" className="button">
            {t.shipments.clear}
          </Link>
        )}
      </div>
    </form>
  );
}

function place(location: { countryCode: string; location?: string | null }): string {
  return location.location ? `${location.location} (${location.countryCode})` : location.countryCode;
}

function ShipmentTable({ rows }: { rows: Row[] }) {
  return (
    <table className="stack">
      <thead>
        <tr>
          <th scope="col">{t.shipments.reference}</th>
          <th scope="col">{t.shipments.status}</th>
          <th scope="col">{t.shipment.donorToRecipient}</th>
          <th scope="col">{t.shipments.route}</th>
          <th scope="col" className="number">
            {t.shipments.lines}
          </th>
          <th scope="col">{t.shipments.value}</th>
          <th scope="col">{t.shipments.updated}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id}>
            <td data-label={t.shipments.reference}>
              <span>
                <Link href={`/shipments/${row.id}`}>{row.reference}</Link>
                <br />
                <span className="muted">{row.title ?? t.shipments.untitled}</span>
              </span>
            </td>
            <td data-label={t.shipments.status}>
              <StatusBadge status={row.status} />
            </td>
            <td data-label={t.shipment.donorToRecipient}>
              <span>
                {row.donor.name} → {row.recipient.name}
              </span>
            </td>
            <td data-label={t.shipments.route}>
              <span>
                {place(row.origin)} → {place(row.destination)}
              </span>
            </td>
            <td data-label={t.shipments.lines} className="number">
              {row.lineCount}
            </td>
            <td data-label={t.shipments.value}>
              <span>
                {row.totals.declaredValue.length
                  ? row.totals.declaredValue.map((total) => (
                      <span key={total.currency} className="nowrap">
                        {money(total.amount, total.currency)}
                        <br />
                      </span>
                    ))
                  : '—'}
              </span>
            </td>
            <td data-label={t.shipments.updated}>
              <span>{dateTime(row.updatedAt)}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

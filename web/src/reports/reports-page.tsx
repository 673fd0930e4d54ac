import './reports.css';
import { useState, type FormEvent } from 'react';
import { may } from '../access/permissions';
import { useMe } from '../access/session';
import { api } from '../api/client';
import type { paths } from '../api/schema.gen';
import { NETWORK_FAILURE, toFailure, type ApiFailure } from '../api/problem';
import { useResource } from '../api/use-resource';
import { locale, t } from '../i18n';
import { decimal, money } from '../ui/locale-format';
import { PageTitle } from '../ui/page-title';
import { saveFile } from '../ui/save-file';
import { useOrganizations } from '../shipments/organizations';
import { Field } from '../ui/field';
import { ErrorAlert, LoadFailure, Loading } from '../ui/states';
import { SummaryChart } from './summary-chart';

export const GROUPINGS = ['donor', 'recipient', 'status', 'category', 'destinationCountry', 'month'] as const;
type Grouping = (typeof GROUPINGS)[number];
const STATUSES = [
  'planned',
  'dispatched',
  'in_transit',
  'held',
  'arrived',
  'partially_delivered',
  'delivered',
  'cancelled',
  'lost',
];

/** The list's filters, as the summary and the export take them; empty means "any". */
interface Filters {
  status: string;
  donorId: string;
  recipientId: string;
  category: string;
  destinationCountry: string;
  emergency: string;
  q: string;
  createdFrom: string;
  createdTo: string;
}

const NO_FILTERS: Filters = {
  status: '',
  donorId: '',
  recipientId: '',
  category: '',
  destinationCountry: '',
  emergency: '',
  q: '',
  createdFrom: '',
  createdTo: '',
};

/** The shipment filters as the summary (and the export) take them, straight from the contract. */
type FilterQuery = Omit<
  NonNullable<paths['/api/v1/reports/summary']['get']['parameters']['query']>,
  'groupBy'
>;

/** Only the filters given, so the query names nothing the reader left empty. */
function filterQuery(filters: Filters): FilterQuery {
  const given = (value: string) => (value.trim() === '' ? undefined : value.trim());
  const query: FilterQuery = {
    // The select offers the contract's statuses and categories only.
    status:
      given(filters.status) === undefined
        ? undefined
        : [filters.status as NonNullable<FilterQuery['status']>[number]],
    donorId: given(filters.donorId),
    recipientId: given(filters.recipientId),
    category: given(filters.category) as FilterQuery['category'],
    destinationCountry: given(filters.destinationCountry)?.toUpperCase(),
    emergency: given(filters.emergency),
    q: given(filters.q),
    createdFrom: given(filters.createdFrom),
    createdTo: given(filters.createdTo),
  };
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)) as FilterQuery;
}

/**
 * The summary report (issue 13, item 6): totals by donor, recipient, status, category, destination or
 * month for the chosen filters, as a table and a chart of one measure, with the CSV and HXL exports of
 * the same shipments. Every role may see it; the service limits it to what the token may see.
 */
export default function ReportsPage() {
  const [groupBy, setGroupBy] = useState<Grouping>('donor');
  const me = useMe();
  // Partners may not list organizations; the service limits their report to their own shipments anyway.
  const organizations = useOrganizations(may.listOrganizations(me));
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const query = filterQuery(applied);
  const summary = useResource(`summary:${groupBy}:${JSON.stringify(query)}`, (signal) =>
    api.GET('/api/v1/reports/summary', { params: { query: { groupBy, ...query } }, signal }),
  );

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setApplied(draft);
  };

  return (
    <section className="reports-page">
      <PageTitle title={t.reports.title}>{t.reports.title}</PageTitle>
      <form className="panel" onSubmit={apply} aria-label={t.reports.filters}>
        <div className="grid">
          <Select
            label={t.reports.groupBy}
            value={groupBy}
            onChange={(value) => setGroupBy(value as Grouping)}
            options={GROUPINGS.map((grouping) => [grouping, t.reports.groupings[grouping]])}
          />
          <Select
            label={t.shipments.status}
            value={draft.status}
            onChange={(status) => setDraft({ ...draft, status })}
            options={[
              ['', t.shipments.anyStatus],
              ...STATUSES.map((status): [string, string] => [status, t.status[status] ?? status]),
            ]}
          />
          {may.listOrganizations(me) && (
            <>
              <Select
                label={t.shipments.donor}
                value={draft.donorId}
                onChange={(donorId) => setDraft({ ...draft, donorId })}
                options={[
                  ['', t.shipments.anyOrganization],
                  ...organizations.map((o): [string, string] => [o.id, o.name]),
                ]}
              />
              <Select
                label={t.shipments.recipient}
                value={draft.recipientId}
                onChange={(recipientId) => setDraft({ ...draft, recipientId })}
                options={[
                  ['', t.shipments.anyOrganization],
                  ...organizations.map((o): [string, string] => [o.id, o.name]),
                ]}
              />
            </>
          )}
          <Select
            label={t.shipment.category}
            value={draft.category}
            onChange={(category) => setDraft({ ...draft, category })}
            options={[['', t.reports.anyCategory], ...Object.entries(t.vocabulary.category)]}
          />
          <Text
            label={t.shipments.destination}
            hint={t.shipments.destinationHint}
            value={draft.destinationCountry}
            onChange={(destinationCountry) => setDraft({ ...draft, destinationCountry })}
            maxLength={2}
          />
          <Text
            label={t.shipments.emergency}
            value={draft.emergency}
            onChange={(emergency) => setDraft({ ...draft, emergency })}
          />
          <Text
            label={t.shipments.text}
            hint={t.shipments.textHint}
            value={draft.q}
            onChange={(q) => setDraft({ ...draft, q })}
          />
          <Text
            label={t.reports.createdFrom}
            type="date"
            value={draft.createdFrom}
            onChange={(createdFrom) => setDraft({ ...draft, createdFrom })}
          />
          <Text
            label={t.reports.createdTo}
            type="date"
            value={draft.createdTo}
            onChange={(createdTo) => setDraft({ ...draft, createdTo })}
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="primary">
            {t.shipments.apply}
          </button>
          <button
            type="button"
            onClick={() => {
              setDraft(NO_FILTERS);
              setApplied(NO_FILTERS);
            }}
          >
            {t.shipments.clear}
          </button>
        </div>
      </form>
      <Downloads query={query} />
      {summary.state === 'loading' && <Loading />}
      {summary.state === 'failed' && <LoadFailure failure={summary.failure} retry={summary.reload} />}
      {summary.state === 'ready' && <Summary groupBy={groupBy} rows={summary.data.rows} />}
    </section>
  );
}

type Row = {
  key: string;
  label: string;
  shipments: number;
  lines: number;
  declaredValue: { currency: string; amount: string }[];
  quantities: { unit: string; quantity: string }[];
};

function Summary({ groupBy, rows }: { groupBy: Grouping; rows: Row[] }) {
  if (rows.length === 0) return <p>{t.reports.empty}</p>;
  const labelOf = (row: { key: string; label: string }) => groupLabel(groupBy, row);
  return (
    <>
      <h2>{t.reports.tableTitle(t.reports.groupings[groupBy])}</h2>
      {/* Explicit roles: at phone width the rows become cards (CSS), and a table styled so keeps its semantics only this way. */}
      <table className="summary-table" role="table">
        <caption className="visually-hidden">{t.reports.tableTitle(t.reports.groupings[groupBy])}</caption>
        <thead role="rowgroup">
          <tr role="row">
            <th scope="col" role="columnheader">
              {t.reports.groupings[groupBy]}
            </th>
            {[t.reports.shipments, t.reports.lines, t.reports.declaredValue, t.reports.quantities].map(
              (heading) => (
                <th key={heading} scope="col" role="columnheader" className="number">
                  {heading}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody role="rowgroup">
          {rows.map((row) => (
            <tr key={row.key} role="row">
              <th scope="row" role="rowheader">
                {labelOf(row)}
              </th>
              <td role="cell" className="number" data-label={t.reports.shipments}>
                {decimal(String(row.shipments))}
              </td>
              <td role="cell" className="number" data-label={t.reports.lines}>
                {decimal(String(row.lines))}
              </td>
              <td role="cell" className="number" data-label={t.reports.declaredValue}>
                {row.declaredValue.length === 0 ? (
                  <span className="muted">{t.reports.noFigure}</span>
                ) : (
                  <ul className="figures">
                    {row.declaredValue.map((value) => (
                      <li key={value.currency}>{money(value.amount, value.currency)}</li>
                    ))}
                  </ul>
                )}
              </td>
              <td role="cell" className="number" data-label={t.reports.quantities}>
                <ul className="figures">
                  {row.quantities.map((quantity) => (
                    <li key={quantity.unit}>
                      {`${decimal(quantity.quantity)} ${t.vocabulary.unit[quantity.unit] ?? quantity.unit}`}
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t.reports.chartTitle}</h2>
      <SummaryChart key={groupBy} rows={rows} labelOf={labelOf} />
    </>
  );
}

/** A group's name for people: organization names as served, vocabulary words translated, months and countries by Intl. */
function groupLabel(groupBy: Grouping, row: { key: string; label: string }): string {
  switch (groupBy) {
    case 'status':
      return t.status[row.key] ?? row.label;
    case 'category':
      return t.vocabulary.category[row.key] ?? row.label;
    case 'destinationCountry':
      return countryName(row.key);
    case 'month':
      return monthName(row.key);
    default:
      return row.label;
  }
}

function countryName(code: string): string {
  try {
    const name = new Intl.DisplayNames([locale], { type: 'region' }).of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

function monthName(yearMonth: string): string {
  const match = /^(\d{4})-(\d{2})$/.exec(yearMonth);
  if (!match) return yearMonth;
  return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(
    Date.UTC(Number(match[1]), Number(match[2]) - 1),
  );
}

/** The CSV and HXL exports of the same shipments, fetched with the token in the header and saved from memory. */
function Downloads({ query }: { query: FilterQuery }) {
  const [busy, setBusy] = useState<'csv' | 'hxl' | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const download = async (format: 'csv' | 'hxl') => {
    setBusy(format);
    setFailure(null);
    try {
      const { data, error, response } = await api.GET('/api/v1/shipments/export', {
        params: { query: { format, ...query } },
        parseAs: 'blob',
      });
      if (data)
        saveFile(data, format === 'hxl' ? 'aidtrail-shipments-hxl.csv' : 'aidtrail-shipments.csv', response);
      else setFailure(toFailure(response.status, error));
    } catch {
      setFailure(NETWORK_FAILURE);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="downloads">
      <div className="form-actions">
        <button type="button" onClick={() => void download('csv')} disabled={busy !== null}>
          {busy === 'csv' ? t.reports.downloading : t.reports.downloadCsv}
        </button>
        <button type="button" onClick={() => void download('hxl')} disabled={busy !== null}>
          {busy === 'hxl' ? t.reports.downloading : t.reports.downloadHxl}
        </button>
      </div>
      <p className="field-hint">{t.reports.downloadHint}</p>
      <ErrorAlert failure={failure} />
    </div>
  );
}

/** A filter's select: labelled through the shared Field, without "(optional)" (every filter is). */
function Select({
  label,
  value,
  onChange,
  options,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: [string, string][];
}) {
  return (
    <Field label={label} markOptional={false}>
      {(control) => (
        <select {...control} value={value} onChange={(event) => onChange(event.target.value)}>
          {options.map(([optionValue, optionLabel]) => (
            <option key={optionValue} value={optionValue}>
              {optionLabel}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function Text({
  label,
  hint,
  value,
  onChange,
  type = 'text',
  maxLength,
}: {
  label: string;
  hint?: string;
  value: string;
  onChange: (value: string) => void;
  type?: string;
  maxLength?: number;
}) {
  return (
    <Field label={label} hint={hint} markOptional={false}>
      {(control) => (
        <input
          {...control}
          type={type}
          value={value}
          maxLength={maxLength}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  );
}

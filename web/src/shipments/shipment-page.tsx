import { lazy, Suspense } from 'react';
import { Link } from 'wouter';
import { api, type ResponseBody } from '../api/client';
import { useResource } from '../api/use-resource';
import { may } from '../access/permissions';
import { useMe } from '../access/session';
import { t } from '../i18n';
import { date, dateTime, decimal, money } from '../ui/locale-format';
import { PageTitle } from '../ui/page-title';
import { LoadFailure, Loading } from '../ui/states';
import { StatusBadge } from '../ui/status-badge';
import { EventForm } from './event-form';
import { VoidEventForm } from './void-event-form';
import { NEXT_EVENTS } from './vocabulary';

// The browser's own check of the trail, on demand: its code is not part of the first screen.
const TrailSummary = lazy(() => import('../audit/trail-summary'));

export type Shipment = ResponseBody<'/api/v1/shipments/{idOrReference}', 'get'>;
export type ShipmentEvent = ResponseBody<'/api/v1/shipments/{id}/events', 'get'>['data'][number];

/**
 * One shipment: what it carries, where it stands, how it got there. The shipment and its timeline load
 * in parallel (with /me before them, two requests in sequence show the screen).
 */
export function ShipmentPage({ id }: { id: string }) {
  const me = useMe();
  const shipment = useResource(`shipment:${id}`, (signal) => api.GET('/api/v1/shipments/{idOrReference}', { params: { path: { idOrReference: id } }, signal }));
  const events = useResource(`events:${id}`, (signal) => api.GET('/api/v1/shipments/{id}/events', { params: { path: { id }, query: { limit: 200 } }, signal }));

  if (shipment.state === 'loading') return <Loading />;
  if (shipment.state === 'failed') return <LoadFailure failure={shipment.failure} retry={shipment.reload} />;
  const s = shipment.data;
  const reload = () => {
    shipment.reload();
    events.reload();
  };
  const writer = may.writeShipments(me);
  const warnedLines = new Set(s.warnings.map((warning) => warning.lineNo));

  return (
    <article>
      <div className="title-row">
        <PageTitle title={s.reference}>{s.reference}</PageTitle>
        <StatusBadge status={s.status} />
      </div>
      <p className="subtitle">{s.title ?? t.shipments.untitled}</p>

      <dl className="facts">
        <Fact term={t.shipment.donorToRecipient}>
          {s.donor.name} → {s.recipient.name}
        </Fact>
        <Fact term={t.shipment.partners}>{s.partners.length ? s.partners.map((partner) => partner.name).join(', ') : t.shipment.noPartners}</Fact>
        <Fact term={t.shipment.route}>
          {place(s.origin)} → {place(s.destination)}
        </Fact>
        {s.transportMode && <Fact term={t.shipment.transport}>{t.vocabulary.transportMode[s.transportMode] ?? s.transportMode}</Fact>}
        {s.emergency && <Fact term={t.shipment.emergency}>{s.emergency}</Fact>}
        <Fact term={t.shipment.priority}>{t.vocabulary.priority[s.priority] ?? s.priority}</Fact>
        {s.plannedDispatchDate && <Fact term={t.shipment.plannedDispatch}>{date(s.plannedDispatchDate)}</Fact>}
        {s.expectedArrivalDate && <Fact term={t.shipment.expectedArrival}>{date(s.expectedArrivalDate)}</Fact>}
      </dl>

      <nav className="form-actions" aria-label={t.shipment.actions}>
        {writer && s.status === 'planned' && (
          <Link href={`/shipments/${s.id}/edit`} className="button">
            {t.shipment.edit}
          </Link>
        )}
        {may.readHistory(me) && (
          <Link href={`/shipments/${s.id}/history`} className="button">
            {t.shipment.history}
          </Link>
        )}
      </nav>
      {may.readHistory(me) && (
        <Suspense fallback={null}>
          {/* Keyed by version: a change made here is verified again, pending until the log covers it. */}
          <TrailSummary key={`${s.id}:${s.version}`} id={s.id} />
        </Suspense>
      )}

      {s.warnings.length > 0 && (
        <section className="alert alert-warning" aria-labelledby="warnings-heading">
          <h2 id="warnings-heading">{t.shipment.warningsTitle}</h2>
          <ul>
            {s.warnings.map((warning) => {
              const item = s.items.find((line) => line.lineNo === warning.lineNo);
              const describe = t.shipment.warnings[warning.code as keyof typeof t.shipment.warnings];
              return <li key={warning.path}>{item && describe ? describe(warning.lineNo, item.description, item.expiryDate ?? '') : warning.message}</li>;
            })}
          </ul>
        </section>
      )}

      <h2>{t.shipment.contents}</h2>
      <Contents shipment={s} warnedLines={warnedLines} />
      <h3>{t.shipment.totals}</h3>
      <ul className="totals">
        <li>{t.shipment.totalLines(s.totals.lines)}</li>
        {s.totals.declaredValue.length ? (
          s.totals.declaredValue.map((total) => (
            <li key={total.currency}>
              {t.shipment.totalValue}: <strong>{money(total.amount, total.currency)}</strong>
            </li>
          ))
        ) : (
          <li>{t.shipment.noValue}</li>
        )}
        {s.totals.weightKg && (
          <li>
            {t.shipment.weight}: {decimal(s.totals.weightKg)} kg
          </li>
        )}
        {s.totals.volumeM3 && (
          <li>
            {t.shipment.volume}: {decimal(s.totals.volumeM3)} m³
          </li>
        )}
      </ul>

      <h2>{t.shipment.timeline}</h2>
      {events.state === 'loading' && <Loading />}
      {events.state === 'failed' && <LoadFailure failure={events.failure} retry={events.reload} />}
      {events.state === 'ready' && <Timeline events={events.data.data} />}

      {writer && events.state === 'ready' && (
        <>
          {NEXT_EVENTS[s.status] ? <EventForm key={s.version} shipment={s} onRecorded={reload} /> : <p className="panel">{t.events.noneAllowed}</p>}
          <VoidEventForm key={`void-${s.version}`} shipmentId={s.id} events={events.data.data} onVoided={reload} />
        </>
      )}
    </article>
  );
}

function Fact({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function place(location: { countryCode: string; location?: string | null }): string {
  return location.location ? `${location.location} (${location.countryCode})` : location.countryCode;
}

function Contents({ shipment, warnedLines }: { shipment: Shipment; warnedLines: Set<number> }) {
  const c = t.shipment;
  return (
    <table className="stack">
      <thead>
        <tr>
          <th scope="col" className="number">
            {c.line}
          </th>
          <th scope="col">{c.description}</th>
          <th scope="col" className="number">
            {c.quantity}
          </th>
          <th scope="col">{c.unit}</th>
          <th scope="col" className="number">
            {c.unitValue}
          </th>
          <th scope="col">{c.lot}</th>
          <th scope="col">{c.expiry}</th>
          <th scope="col" className="number">
            {c.received}
          </th>
          <th scope="col" className="number">
            {c.damaged}
          </th>
        </tr>
      </thead>
      <tbody>
        {shipment.items.map((item) => (
          <tr key={item.id} className={warnedLines.has(item.lineNo) ? 'warned' : undefined}>
            <td className="number" data-label={c.line}>
              {item.lineNo}
            </td>
            <td data-label={c.description}>
              <span>
                {item.description}
                <br />
                <span className="muted">{t.vocabulary.category[item.category] ?? item.category}</span>
              </span>
            </td>
            <td className="number" data-label={c.quantity}>
              {decimal(item.quantity)}
            </td>
            <td data-label={c.unit}>{t.vocabulary.unit[item.unit] ?? item.unit}</td>
            <td className="number" data-label={c.unitValue}>
              {item.unitValue != null && item.currency ? money(item.unitValue, item.currency) : '—'}
            </td>
            <td data-label={c.lot}>{item.batchNumber ?? '—'}</td>
            <td data-label={c.expiry}>{item.expiryDate ? date(item.expiryDate) : '—'}</td>
            <td className="number" data-label={c.received}>
              {decimal(item.quantityReceived)}
            </td>
            <td className="number" data-label={c.damaged}>
              {decimal(item.quantityDamaged)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function eventPlace(location: ShipmentEvent['location']): string {
  if (!location) return '';
  const { name, countryCode } = location;
  return [name, countryCode && name ? `(${countryCode})` : countryCode].filter(Boolean).join(' ');
}

function Timeline({ events }: { events: ShipmentEvent[] }) {
  const c = t.shipment;
  if (events.length === 0) return <p className="panel">{c.noEvents}</p>;
  return (
    <table className="stack">
      <thead>
        <tr>
          <th scope="col">{c.time}</th>
          <th scope="col">{c.event}</th>
          <th scope="col">{c.place}</th>
          <th scope="col">{c.note}</th>
          <th scope="col">{c.who}</th>
        </tr>
      </thead>
      <tbody>
        {events.map((event) => {
          const receipt = event.receipt;
          return (
            <tr key={event.id} className={event.voidedAt ? 'voided' : undefined}>
              <td data-label={c.time}>{dateTime(event.occurredAt)}</td>
              <td data-label={c.event}>
                <span>
                  {event.voidedAt ? (
                    <del className="event-type">
                      <span className="visually-hidden">{c.voidedLabel}: </span>
                      {t.events.types[event.type] ?? event.type}
                    </del>
                  ) : (
                    <span className="event-type">{t.events.types[event.type] ?? event.type}</span>
                  )}
                  {event.voidedAt && (
                    <>
                      <br />
                      <span>{c.voided(event.voidReason ?? '')}</span>
                    </>
                  )}
                </span>
              </td>
              <td data-label={c.place}>{eventPlace(event.location)}</td>
              <td data-label={c.note}>
                {(event.note || receipt?.receivedBy) && (
                  <span>
                    {event.note}
                    {receipt?.receivedBy && (
                      <>
                        {event.note && <br />}
                        {c.receiptBy(receipt.receivedBy)}
                      </>
                    )}
                  </span>
                )}
              </td>
              <td data-label={c.who}>{event.actor.name}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { useSubmission } from '../api/use-submission';
import { t } from '../i18n';
import { Field } from '../ui/field';
import { dateTime } from '../ui/locale-format';
import { failureMessage } from '../ui/states';
import type { ShipmentEvent } from './shipment-page';

/** Voids the latest status event with a reason (a mistaken event is never edited nor deleted). */
export function VoidEventForm({ shipmentId, events, onVoided }: { shipmentId: string; events: ShipmentEvent[]; onVoided: () => void }) {
  const latest = [...events].reverse().find((event) => !event.voidedAt && event.type !== 'void');
  const [reason, setReason] = useState('');
  const { submit, busy, failure } = useSubmission();
  if (!latest) return null;
  const target = latest;

  async function voidLatest(event: FormEvent) {
    event.preventDefault();
    const done = await submit((key) =>
      api.POST('/api/v1/shipments/{id}/events/{eventId}/void', {
        params: { path: { id: shipmentId, eventId: target.id }, header: { 'Idempotency-Key': key } },
        body: { reason: reason.trim() },
      }),
    );
    if (done) onVoided();
  }

  const reasonError = failure?.fieldErrors.reason;
  return (
    <form className="panel" onSubmit={(event) => void voidLatest(event)} noValidate aria-labelledby="void-form-heading">
      <h2 id="void-form-heading">{t.events.void}</h2>
      <p>
        {t.events.types[target.type] ?? target.type} · {dateTime(target.occurredAt)}
      </p>
      <Field label={t.events.voidReason} error={reasonError} required>
        {(control) => <input {...control} value={reason} onChange={(event) => setReason(event.target.value)} />}
      </Field>
      {failure && !reasonError && (
        <p className="alert alert-error" role="alert">
          {failureMessage(failure)}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="danger" disabled={busy}>
          {busy ? t.form.saving : t.events.voidConfirm}
        </button>
      </div>
    </form>
  );
}

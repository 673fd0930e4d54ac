import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { useSubmission } from '../api/use-submission';
import { t } from '../i18n';
import { Field } from '../ui/field';
import { failureMessage } from '../ui/states';
import { subtractDecimals } from '../ui/format';
import { decimal } from '../ui/locale-format';
import type { Shipment } from './shipment-page';
import { NEXT_EVENTS, RECEIPT_EVENTS, type EventType } from './vocabulary';

interface Draft {
  type: string;
  occurredAt: string;
  countryCode: string;
  placeName: string;
  note: string;
  receivedBy: string;
  received: Record<string, string>;
  damaged: Record<string, string>;
}

/** Records the next event of the delivery: only the moves the shipment's status allows are offered. */
export function EventForm({ shipment, onRecorded }: { shipment: Shipment; onRecorded: () => void }) {
  const allowed = NEXT_EVENTS[shipment.status] ?? [];
  const [draft, setDraft] = useState<Draft>({
    type: allowed[0] ?? '',
    occurredAt: '',
    countryCode: '',
    placeName: '',
    note: '',
    receivedBy: '',
    received: {},
    damaged: {},
  });
  const { submit, busy, failure } = useSubmission();
  const set = (patch: Partial<Draft>) => setDraft((current) => ({ ...current, ...patch }));
  const isReceipt = RECEIPT_EVENTS.has(draft.type);
  // Which receipt line sits at which index of the request, to place the API's `receipt.lines[i]` errors.
  const receiptLines = shipment.items.filter((item) => draft.received[item.id]?.trim() || draft.damaged[item.id]?.trim());
  const errors = failure?.fieldErrors ?? {};
  const lineError = (itemId: string, field: 'quantityReceived' | 'quantityDamaged') => {
    const index = receiptLines.findIndex((item) => item.id === itemId);
    return index >= 0 ? (errors[`receipt.lines[${index}].${field}`] ?? errors[`receipt.lines[${index}]`]) : undefined;
  };

  async function record(event: FormEvent) {
    event.preventDefault();
    const location = draft.countryCode.trim() || draft.placeName.trim() ? { countryCode: draft.countryCode.trim().toUpperCase() || undefined, name: draft.placeName.trim() || undefined } : undefined;
    const body = {
      type: draft.type as EventType,
      occurredAt: draft.occurredAt ? new Date(draft.occurredAt).toISOString() : undefined,
      location,
      note: draft.note.trim() || undefined,
      receipt: isReceipt
        ? {
            receivedBy: draft.receivedBy.trim(),
            lines: receiptLines.map((item) => ({
              itemId: item.id,
              quantityReceived: draft.received[item.id]?.trim() || '0',
              ...(draft.damaged[item.id]?.trim() ? { quantityDamaged: draft.damaged[item.id].trim() } : {}),
            })),
          }
        : undefined,
    };
    const done = await submit((key) =>
      api.POST('/api/v1/shipments/{id}/events', { params: { path: { id: shipment.id }, header: { 'Idempotency-Key': key } }, body }),
    );
    if (done) onRecorded();
  }

  const generalError = failure && Object.keys(failure.fieldErrors).length === 0 ? failureMessage(failure) : null;
  return (
    <form className="panel" onSubmit={(event) => void record(event)} noValidate aria-labelledby="event-form-heading">
      <h2 id="event-form-heading">{t.events.title}</h2>
      <div className="grid">
        <Field label={t.events.type} error={errors.type} required>
          {(control) => (
            <select {...control} value={draft.type} onChange={(event) => set({ type: event.target.value })}>
              {allowed.map((type) => (
                <option key={type} value={type}>
                  {t.events.types[type] ?? type}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t.events.occurredAt} hint={t.events.occurredAtHint} error={errors.occurredAt}>
          {(control) => <input {...control} type="datetime-local" value={draft.occurredAt} onChange={(event) => set({ occurredAt: event.target.value })} />}
        </Field>
        <Field label={t.events.countryCode} hint={t.editor.countryHint} error={errors['location.countryCode']}>
          {(control) => <input {...control} maxLength={2} value={draft.countryCode} onChange={(event) => set({ countryCode: event.target.value })} />}
        </Field>
        <Field label={t.events.placeName} error={errors['location.name']}>
          {(control) => <input {...control} value={draft.placeName} onChange={(event) => set({ placeName: event.target.value })} />}
        </Field>
      </div>
      <Field label={t.events.note} error={errors.note}>
        {(control) => <textarea {...control} rows={2} value={draft.note} onChange={(event) => set({ note: event.target.value })} />}
      </Field>
      {isReceipt && (
        <fieldset>
          <legend>{t.events.receiptLines}</legend>
          <Field label={t.events.receivedBy} error={errors['receipt.receivedBy'] ?? errors.receipt} required>
            {(control) => <input {...control} value={draft.receivedBy} onChange={(event) => set({ receivedBy: event.target.value })} />}
          </Field>
          {shipment.items.map((item) => {
            const outstanding = subtractDecimals(subtractDecimals(item.quantity, item.quantityReceived) ?? item.quantity, item.quantityDamaged);
            return (
              <div className="grid" key={item.id}>
                <Field
                  label={t.events.receivedNow(item.lineNo, item.description)}
                  hint={outstanding ? t.events.outstanding(decimal(outstanding)) : undefined}
                  error={lineError(item.id, 'quantityReceived')}
                >
                  {(control) => (
                    <input
                      {...control}
                      inputMode="decimal"
                      value={draft.received[item.id] ?? ''}
                      onChange={(event) => set({ received: { ...draft.received, [item.id]: event.target.value } })}
                    />
                  )}
                </Field>
                <Field label={t.events.damagedNow(item.lineNo, item.description)} error={lineError(item.id, 'quantityDamaged')}>
                  {(control) => (
                    <input
                      {...control}
                      inputMode="decimal"
                      value={draft.damaged[item.id] ?? ''}
                      onChange={(event) => set({ damaged: { ...draft.damaged, [item.id]: event.target.value } })}
                    />
                  )}
                </Field>
              </div>
            );
          })}
        </fieldset>
      )}
      {generalError && (
        <p className="alert alert-error" role="alert">
          {generalError}
        </p>
      )}
      {failure && !generalError && (
        <p className="alert alert-error" role="alert">
          {t.form.fixErrors(Object.keys(failure.fieldErrors).length)}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t.form.saving : t.events.record}
        </button>
      </div>
    </form>
  );
}

import { useState, type FormEvent } from 'react';
import type { ApiFailure } from '../api/problem';
import { t } from '../i18n';
import { Field } from '../ui/field';
import { failureMessage } from '../ui/states';
import type { Organization } from './organizations';
import type { Shipment } from './shipment-page';
import { CATEGORIES, PRIORITIES, TRANSPORT_MODES, UNITS, type Category, type Priority, type TransportMode, type Unit } from './vocabulary';

export interface LineDraft {
  key: number;
  description: string;
  category: string;
  quantity: string;
  unit: string;
  unitValue: string;
  currency: string;
  batchNumber: string;
  expiryDate: string;
}

export interface ShipmentDraft {
  reference: string;
  title: string;
  donorId: string;
  recipientId: string;
  partnerIds: string[];
  originCountry: string;
  originLocation: string;
  destinationCountry: string;
  destinationLocation: string;
  transportMode: string;
  emergency: string;
  priority: string;
  plannedDispatchDate: string;
  expectedArrivalDate: string;
  items: LineDraft[];
}

let lineKeys = 0;
const emptyLine = (): LineDraft => ({
  key: ++lineKeys,
  description: '',
  category: '',
  quantity: '',
  unit: '',
  unitValue: '',
  currency: '',
  batchNumber: '',
  expiryDate: '',
});

export const emptyDraft = (): ShipmentDraft => ({
  reference: '',
  title: '',
  donorId: '',
  recipientId: '',
  partnerIds: [],
  originCountry: '',
  originLocation: '',
  destinationCountry: '',
  destinationLocation: '',
  transportMode: '',
  emergency: '',
  priority: 'standard',
  plannedDispatchDate: '',
  expectedArrivalDate: '',
  items: [emptyLine()],
});

export function draftOf(shipment: Shipment): ShipmentDraft {
  return {
    reference: shipment.reference,
    title: shipment.title ?? '',
    donorId: shipment.donor.id,
    recipientId: shipment.recipient.id,
    partnerIds: shipment.partners.map((partner) => partner.id),
    originCountry: shipment.origin.countryCode,
    originLocation: shipment.origin.location ?? '',
    destinationCountry: shipment.destination.countryCode,
    destinationLocation: shipment.destination.location ?? '',
    transportMode: shipment.transportMode ?? '',
    emergency: shipment.emergency ?? '',
    priority: shipment.priority,
    plannedDispatchDate: shipment.plannedDispatchDate ?? '',
    expectedArrivalDate: shipment.expectedArrivalDate ?? '',
    items: shipment.items.map((item) => ({
      key: ++lineKeys,
      description: item.description,
      category: item.category,
      quantity: item.quantity,
      unit: item.unit,
      unitValue: item.unitValue ?? '',
      currency: item.currency ?? '',
      batchNumber: item.batchNumber ?? '',
      expiryDate: item.expiryDate ?? '',
    })),
  };
}

const text = (value: string) => value.trim() || undefined;

/** The request body: decimals stay the strings typed, empty optional fields are left out. */
export function bodyOf(draft: ShipmentDraft) {
  return {
    reference: text(draft.reference),
    title: text(draft.title),
    donorId: draft.donorId,
    recipientId: draft.recipientId,
    partnerIds: draft.partnerIds,
    origin: { countryCode: draft.originCountry.trim().toUpperCase(), location: text(draft.originLocation) },
    destination: { countryCode: draft.destinationCountry.trim().toUpperCase(), location: text(draft.destinationLocation) },
    transportMode: text(draft.transportMode) as TransportMode | undefined,
    emergency: text(draft.emergency),
    priority: draft.priority as Priority,
    plannedDispatchDate: text(draft.plannedDispatchDate),
    expectedArrivalDate: text(draft.expectedArrivalDate),
    items: draft.items.map((line) => ({
      description: line.description.trim(),
      category: line.category as Category,
      quantity: line.quantity.trim(),
      unit: line.unit as Unit,
      unitValue: text(line.unitValue),
      currency: text(line.currency)?.toUpperCase(),
      batchNumber: text(line.batchNumber),
      expiryDate: text(line.expiryDate),
    })),
  };
}

interface ShipmentFormProps {
  initial: ShipmentDraft;
  organizations: Organization[];
  submitLabel: string;
  busy: boolean;
  failure: ApiFailure | null;
  /** A failure the form explains itself (e.g. "changed meanwhile"), instead of the API's words. */
  notice?: React.ReactNode;
  onSubmit: (draft: ShipmentDraft) => void;
}

/** Shipment fields and the line editor; the API's field errors appear at the fields their `path` names. */
export function ShipmentForm({ initial, organizations, submitLabel, busy, failure, notice, onSubmit }: ShipmentFormProps) {
  const [draft, setDraft] = useState(initial);
  const set = (patch: Partial<ShipmentDraft>) => setDraft((current) => ({ ...current, ...patch }));
  const setLine = (index: number, patch: Partial<LineDraft>) =>
    setDraft((current) => ({ ...current, items: current.items.map((line, i) => (i === index ? { ...line, ...patch } : line)) }));
  const errors = failure?.fieldErrors ?? {};
  const fieldErrorCount = Object.keys(errors).length;
  const e = t.editor;

  function submit(event: FormEvent) {
    event.preventDefault();
    onSubmit(draft);
  }

  const input = (name: keyof ShipmentDraft, label: string, path: string, options: { hint?: string; required?: boolean; type?: string; maxLength?: number } = {}) => (
    <Field label={label} hint={options.hint} error={errors[path]} required={options.required}>
      {(control) => (
        <input
          {...control}
          type={options.type ?? 'text'}
          maxLength={options.maxLength}
          value={draft[name] as string}
          onChange={(event) => set({ [name]: event.target.value })}
        />
      )}
    </Field>
  );
  const organizationSelect = (name: 'donorId' | 'recipientId', label: string) => (
    <Field label={label} error={errors[name]} required>
      {(control) => (
        <select {...control} value={draft[name]} onChange={(event) => set({ [name]: event.target.value })}>
          <option value="">{t.form.choose}</option>
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
    <form onSubmit={submit} noValidate>
      {organizations.length === 0 && <p className="alert alert-warning">{e.noOrganizations}</p>}
      <fieldset>
        <legend>{e.general}</legend>
        <div className="grid">
          {input('title', e.title, 'title')}
          {input('reference', e.reference, 'reference', { hint: e.referenceHint })}
          {organizationSelect('donorId', e.donor)}
          {organizationSelect('recipientId', e.recipient)}
          <Field label={e.partners} hint={e.partnersHint} error={errors.partnerIds}>
            {(control) => (
              <select
                {...control}
                multiple
                value={draft.partnerIds}
                onChange={(event) => set({ partnerIds: Array.from(event.target.selectedOptions, (option) => option.value) })}
              >
                {organizations.map((organization) => (
                  <option key={organization.id} value={organization.id}>
                    {organization.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {input('originCountry', e.originCountry, 'origin.countryCode', { hint: e.countryHint, required: true, maxLength: 2 })}
          {input('originLocation', e.originLocation, 'origin.location')}
          {input('destinationCountry', e.destinationCountry, 'destination.countryCode', { hint: e.countryHint, required: true, maxLength: 2 })}
          {input('destinationLocation', e.destinationLocation, 'destination.location')}
          <Field label={e.transportMode} error={errors.transportMode}>
            {(control) => (
              <select {...control} value={draft.transportMode} onChange={(event) => set({ transportMode: event.target.value })}>
                <option value="">{t.form.none}</option>
                {TRANSPORT_MODES.map((mode) => (
                  <option key={mode} value={mode}>
                    {t.vocabulary.transportMode[mode]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {input('emergency', e.emergency, 'emergency')}
          <Field label={e.priority} error={errors.priority} required>
            {(control) => (
              <select {...control} value={draft.priority} onChange={(event) => set({ priority: event.target.value })}>
                {PRIORITIES.map((priority) => (
                  <option key={priority} value={priority}>
                    {t.vocabulary.priority[priority]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {input('plannedDispatchDate', e.plannedDispatchDate, 'plannedDispatchDate', { type: 'date' })}
          {input('expectedArrivalDate', e.expectedArrivalDate, 'expectedArrivalDate', { type: 'date' })}
        </div>
      </fieldset>

      <h2>{e.lines}</h2>
      {errors.items && (
        <p className="field-error" role="alert">
          {errors.items}
        </p>
      )}
      {draft.items.map((line, index) => {
        const path = (field: string) => errors[`items[${index}].${field}`];
        const lineInput = (field: keyof LineDraft, label: string, options: { required?: boolean; hint?: string; type?: string; inputMode?: 'decimal' } = {}) => (
          <Field label={label} error={path(field)} required={options.required} hint={options.hint}>
            {(control) => (
              <input
                {...control}
                type={options.type ?? 'text'}
                inputMode={options.inputMode}
                value={line[field] as string}
                onChange={(event) => setLine(index, { [field]: event.target.value })}
              />
            )}
          </Field>
        );
        const lineChoice = <V extends string>(field: 'category' | 'unit', label: string, values: readonly V[], names: Record<V, string>) => (
          <Field label={label} error={path(field)} required>
            {(control) => (
              <select {...control} value={line[field]} onChange={(event) => setLine(index, { [field]: event.target.value })}>
                <option value="">{t.form.choose}</option>
                {values.map((value) => (
                  <option key={value} value={value}>
                    {names[value]}
                  </option>
                ))}
              </select>
            )}
          </Field>
        );
        return (
          <fieldset key={line.key} className="line-editor-row">
            <legend>{e.lineHeading(index + 1)}</legend>
            {errors[`items[${index}]`] && <p className="field-error">{errors[`items[${index}]`]}</p>}
            <div className="grid">
              {lineInput('description', e.description, { required: true })}
              {lineChoice('category', e.category, CATEGORIES, t.vocabulary.category)}
              {lineInput('quantity', e.quantity, { required: true, inputMode: 'decimal' })}
              {lineChoice('unit', e.unit, UNITS, t.vocabulary.unit)}
              {lineInput('unitValue', e.unitValue, { inputMode: 'decimal' })}
              {lineInput('currency', e.currency, { hint: e.currencyHint })}
              {lineInput('batchNumber', e.batchNumber)}
              {lineInput('expiryDate', e.expiryDate, { type: 'date' })}
            </div>
            {draft.items.length > 1 && (
              <button type="button" className="danger" onClick={() => set({ items: draft.items.filter((_, i) => i !== index) })}>
                {e.removeLine(index + 1)}
              </button>
            )}
          </fieldset>
        );
      })}
      <button type="button" onClick={() => set({ items: [...draft.items, emptyLine()] })}>
        {e.addLine}
      </button>

      {notice}
      {failure && !notice && (
        <div className="alert alert-error" role="alert">
          <p>{fieldErrorCount ? t.form.fixErrors(fieldErrorCount) : failureMessage(failure)}</p>
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t.form.saving : submitLabel}
        </button>
      </div>
    </form>
  );
}

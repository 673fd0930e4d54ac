import { useId, type ReactNode } from 'react';
import { t } from '../i18n';

export interface FieldControl {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
  required?: boolean;
}

interface FieldProps {
  label: string;
  hint?: string;
  error?: string;
  required?: boolean;
  className?: string;
  /** Say "(optional)" after the label of a field that may stay empty; not where every field may (filters). */
  markOptional?: boolean;
  /** Renders the input, select or textarea with the props that tie it to its label, hint and error. */
  children: (control: FieldControl) => ReactNode;
}

/** A labelled form control with its hint and, next to it, the API's error for its `path`. */
export function Field({ label, hint, error, required, className, markOptional = true, children }: FieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>
        {label}
        {!required && markOptional && <span className="field-optional"> ({t.form.optional})</span>}
      </label>
      {children({ id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined, required })}
      {hint && (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}

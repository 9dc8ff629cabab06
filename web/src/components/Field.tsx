import { useId, type ReactNode } from 'react';
import { AmountEcho } from './bits';

export interface FieldInputProps {
  id: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
  name?: string;
}

/** A labelled input with its error beside it (announced to screen readers). */
export function Field({
  label,
  error,
  hint,
  children,
  name,
}: {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  name?: string;
  children: (p: FieldInputProps) => ReactNode;
}) {
  const id = useId();
  const errId = `${id}-err`;
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        ...(name ? { name } : {}),
        ...(error ? { 'aria-invalid': true, 'aria-describedby': errId } : {}),
      })}
      {hint && <div className="hint">{hint}</div>}
      {error && (
        <div className="field-error" id={errId} role="alert" data-field-error={name ?? label}>
          {error}
        </div>
      )}
    </div>
  );
}

/** A money input (yuan, two decimals) in its Field, with what was typed echoed in 万元 and 大写 below it. */
export function MoneyField({
  label,
  error,
  name,
  hint,
  value,
  onChange,
  placeholder,
  required,
}: {
  label: string;
  error?: string | undefined;
  name?: string;
  hint?: ReactNode;
  value: string;
  onChange: (v: string) => void;
  placeholder?: string;
  required?: boolean;
}) {
  return (
    <Field
      label={label}
      error={error}
      {...(name ? { name } : {})}
      hint={
        <>
          {hint}
          {hint ? ' ' : null}
          <AmountEcho value={value} />
        </>
      }
    >
      {(p) => (
        <input
          {...p}
          inputMode="decimal"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          placeholder={placeholder}
          required={required}
        />
      )}
    </Field>
  );
}

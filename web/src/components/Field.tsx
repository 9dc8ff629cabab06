import { useId, type ReactNode } from 'react';

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

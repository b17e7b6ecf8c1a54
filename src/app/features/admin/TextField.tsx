import { useId } from 'react';

/** A labelled input with its problem beneath it: the Chinese hint, then the schema's own words. */
export function TextField({
  label,
  value,
  onChange,
  error,
  detail,
  type = 'text',
  autoComplete,
  testId,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  detail?: string | undefined;
  type?: 'text' | 'password';
  autoComplete?: string;
  testId: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      <input
        id={id}
        type={type}
        value={value}
        autoComplete={autoComplete ?? 'off'}
        aria-invalid={error !== undefined}
        {...(error ? { 'aria-describedby': `${id}-error` } : {})}
        onChange={(event) => {
          onChange(event.target.value);
        }}
        data-testid={testId}
      />
      {error && (
        <p id={`${id}-error`} className="field__error" data-testid={`${testId}-error`}>
          {error}
          {detail && <span className="technical">{detail}</span>}
        </p>
      )}
    </div>
  );
}

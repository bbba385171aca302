import { useEffect, useId, useState } from 'react';

export interface FieldSpec {
  key: string;
  label: string;
  type: 'int' | 'number' | 'optionalNumber' | 'choice';
  min?: number;
  /** For 'number': values must be below this. */
  below?: number;
  choices?: readonly string[];
  hint?: string;
}

/** Parses what is typed; a string is the reason it is not acceptable. */
export function parseField(spec: FieldSpec, text: string): { value: unknown } | string {
  const t = text.trim();
  if (spec.type === 'choice') return spec.choices!.includes(t) ? { value: t } : `choose one of ${spec.choices!.join(', ')}`;
  if (spec.type === 'optionalNumber' && t === '') return { value: null };
  if (spec.type === 'int') {
    if (!/^[0-9]+$/.test(t)) return `${spec.label} must be a whole number${spec.min !== undefined ? ` ≥ ${spec.min}` : ''}`;
    const v = Number(t);
    if (spec.min !== undefined && v < spec.min) return `${spec.label} must be at least ${spec.min}`;
    return { value: v };
  }
  const v = Number(t);
  if (t === '' || !Number.isFinite(v)) return `${spec.label} must be a number${spec.type === 'optionalNumber' ? ' (or empty for none)' : ''}`;
  if (spec.min !== undefined && v <= spec.min && spec.type === 'optionalNumber') return `${spec.label} must be greater than ${spec.min}`;
  if (spec.min !== undefined && v < spec.min) return `${spec.label} must be at least ${spec.min}`;
  if (spec.below !== undefined && v >= spec.below) return `${spec.label} must be below ${spec.below}`;
  return { value: v };
}

function display(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

/**
 * One parameter, validated as it is typed: an acceptable value goes into the document at once
 * (one undo step per field visit), an unacceptable one stays in the field with the reason beside it.
 */
export function ParamField(props: { spec: FieldSpec; value: unknown; onValue: (value: unknown) => void; onCommit: () => void }) {
  const { spec, value, onValue, onCommit } = props;
  const [text, setText] = useState(display(value));
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();

  useEffect(() => {
    // The document changed from elsewhere (undo, another field): show it unless the text already means it.
    const parsed = parseField(spec, text);
    if (typeof parsed === 'string' || parsed.value !== value) {
      setText(display(value));
      setProblem(null);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);

  const onText = (next: string) => {
    setText(next);
    const parsed = parseField(spec, next);
    if (typeof parsed === 'string') setProblem(parsed);
    else {
      setProblem(null);
      if (parsed.value !== value) onValue(parsed.value);
    }
  };

  return (
    <div className={`param-field${problem ? ' invalid' : ''}`}>
      <label htmlFor={id}>{spec.label}</label>
      {spec.type === 'choice' ? (
        <select id={id} value={text} onChange={(e) => { onText(e.target.value); onCommit(); }}>
          {spec.choices!.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          value={text}
          inputMode={spec.type === 'int' ? 'numeric' : 'decimal'}
          aria-invalid={problem !== null}
          aria-describedby={problem ? `${id}-problem` : undefined}
          placeholder={spec.type === 'optionalNumber' ? 'none' : undefined}
          onChange={(e) => onText(e.target.value)}
          onBlur={() => {
            onCommit();
            if (problem) {
              setText(display(value));
              setProblem(null);
            }
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') onCommit();
          }}
        />
      )}
      {problem && (
        <div id={`${id}-problem`} className="param-problem" role="alert">
          {problem}
        </div>
      )}
      {spec.hint && <div className="param-hint">{spec.hint}</div>}
    </div>
  );
}

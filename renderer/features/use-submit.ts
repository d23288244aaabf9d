import { useState } from 'react';
import type { Refusal } from '../stores/ui';

/**
 * Runs a form action that resolves to a refusal (its text, or text and hint) or undefined on
 * success, and tracks busy/error for the Dialog: `error={error} hint={hint} errorKey={errorKey}`.
 */
export function useSubmit(action: () => Promise<string | Refusal | undefined>) {
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<Refusal>();
  const [errorKey, setErrorKey] = useState(0);
  const submit = async () => {
    setBusy(true);
    setRefusal(undefined);
    try {
      const r = await action();
      setRefusal(typeof r === 'string' ? { message: r } : r);
      if (r) setErrorKey((k) => k + 1);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error: refusal?.message, hint: refusal?.hint, errorKey, submit: () => void submit() };
}

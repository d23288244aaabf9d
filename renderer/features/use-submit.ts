import { useState } from 'react';

/** Runs a form action that resolves to an error text (or undefined on success) and tracks busy/error. */
export function useSubmit(action: () => Promise<string | undefined>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setError(await action());
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, submit: () => void submit() };
}

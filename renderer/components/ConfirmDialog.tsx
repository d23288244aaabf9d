import { useState } from 'react';
import { Dialog } from './Dialog';

export interface ConfirmRequest {
  title: string;
  body: string;
  confirmLabel: string;
  danger?: boolean;
  /** An extra option such as "Force"; its value is returned with the answer. */
  option?: { label: string; initial: boolean };
}
export interface ConfirmAnswer {
  ok: boolean;
  option: boolean;
}

export function ConfirmDialog({ request, onAnswer }: { request: ConfirmRequest; onAnswer: (a: ConfirmAnswer) => void }) {
  const [option, setOption] = useState(request.option?.initial ?? false);
  return (
    <Dialog title={request.title} submitLabel={request.confirmLabel} danger={request.danger} onClose={() => onAnswer({ ok: false, option })} onSubmit={() => onAnswer({ ok: true, option })}>
      <p>{request.body}</p>
      {request.option && (
        <label className="check">
          <input type="checkbox" checked={option} onChange={(e) => setOption(e.target.checked)} /> {request.option.label}
        </label>
      )}
    </Dialog>
  );
}

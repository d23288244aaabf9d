import { useState } from 'react';
import type { ConfirmAnswer, ConfirmRequest } from '../stores/ui';
import { Dialog } from './Dialog';

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

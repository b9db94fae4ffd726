// A modal built on <dialog>: the browser traps focus, Escape closes, the page behind is inert.
// Focus returns to what had it before opening; when that is gone (the row of a deleted token),
// to `fallbackFocus` (the list's heading, tabindex=-1), so it is never lost to the page.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { CloseIcon } from './Icons';

let ids = 0;

export function Dialog({
  title,
  onClose,
  children,
  wide,
  fallbackFocus,
}: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  wide?: boolean;
  fallbackFocus?: () => HTMLElement | null;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useRef(`dialog-title-${++ids}`).current;
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  const fallbackRef = useRef(fallbackFocus);
  fallbackRef.current = fallbackFocus;

  useEffect(() => {
    const dialog = ref.current!;
    const opener = document.activeElement as HTMLElement | null;
    dialog.showModal();
    // Focus the first field (or what asks for it with data-autofocus), else the dialog itself.
    const first =
      dialog.querySelector<HTMLElement>('[data-autofocus]') ??
      dialog.querySelector<HTMLElement>('.dialog-body input, .dialog-body select, .dialog-body textarea');
    (first ?? dialog).focus();
    const onCancel = (e: Event) => {
      e.preventDefault();
      closeRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      // After this render has finished: the opener's row may go in the same update.
      void Promise.resolve().then(() => {
        if (opener && opener.isConnected && opener !== document.body) opener.focus();
        else fallbackRef.current?.()?.focus();
      });
    };
  }, []);

  return (
    <dialog
      ref={ref}
      class={wide ? 'dialog dialog-wide' : 'dialog'}
      aria-labelledby={titleId}
      tabIndex={-1}
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself, outside its box) closes it.
        const dialog = ref.current;
        if (dialog && e.target === dialog) {
          const r = dialog.getBoundingClientRect();
          const inside = e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom;
          if (!inside) onClose();
        }
      }}
    >
      <div class="dialog-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" class="icon-btn" aria-label="Close" onClick={onClose}>
          <CloseIcon />
        </button>
      </div>
      <div class="dialog-body">{children}</div>
    </dialog>
  );
}

export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  onConfirm,
  onClose,
  busy,
  error,
  fallbackFocus,
}: {
  title: string;
  message: ComponentChildren;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  busy?: boolean;
  error?: ComponentChildren;
  fallbackFocus?: () => HTMLElement | null;
}) {
  return (
    <Dialog title={title} onClose={onClose} fallbackFocus={fallbackFocus}>
      <div class="confirm-message">{message}</div>
      {error}
      <div class="dialog-actions">
        <button type="button" class="btn" onClick={onClose} data-autofocus>
          Cancel
        </button>
        <button type="button" class="btn btn-danger" onClick={onConfirm} disabled={busy}>
          {busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}

// Keyboard focus in the open drawer: Tab and Shift+Tab wrap around inside the dialog (the focus
// trap), and a re-render that replaces the control holding focus hands focus to its successor.

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])';

export function trapFocus(dialog, event) {
  if (event.key !== 'Tab') return;
  const focusable = [...dialog.querySelectorAll(FOCUSABLE)].filter(
    (node) => node.offsetParent !== null || node === document.activeElement,
  );
  if (!focusable.length) return;
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}

// Re-rendering replaces the lines and pickers: keep keyboard focus on the same control (the one
// with the same data-focus-key) or, when its line is gone, on `fallback`, rather than dropping it
// to the page.
export function keepFocus(dialog, fallback, render) {
  const active = document.activeElement;
  const key = active && dialog.contains(active) ? active.dataset.focusKey : undefined;
  render();
  if (key === undefined || active.isConnected) return;
  const same = [...dialog.querySelectorAll('[data-focus-key]')].find((node) => node.dataset.focusKey === key);
  (same && !same.disabled ? same : fallback).focus();
}

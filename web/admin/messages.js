// A failed request in the merchant's words, for the role=alert regions of every part of the
// page: the session's own failures once, otherwise what could not be loaded and why (the
// server's message when it sent one).
import { AdminRequestError } from './session.js';

export function requestMessage(error, what, t) {
  if (!(error instanceof AdminRequestError)) return t('error_load', { what: t(what), message: String(error) });
  if (error.code === 'no_app_bridge') return t('error_no_app_bridge');
  if (error.code === 'no_session') return t('error_session');
  const reason =
    error.message || (error.code === 'network' ? t('error_network') : t('error_status', { status: error.status }));
  return t('error_load', { what: t(what), message: reason });
}

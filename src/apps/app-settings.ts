/**
 * What an app chooses about the messages SmartPay sends on its behalf (`GET/PATCH /v1/app`). Stored as
 * JSON on the app; a missing field means its default, so older rows and new fields need no migration.
 */
export interface AppSettings {
  /** Who receives this app's alerts and daily/weekly summaries. */
  alert_emails: string[];
  /** Language of those alerts and summaries. */
  locale: 'es' | 'en';
  /** Which e-mails the app's customers get. */
  customer_emails: { receipt: boolean; payment_failed: boolean; refund: boolean };
  /** Link in the payment-failed e-mail; `{order_id}` and `{reference}` are replaced. */
  payment_retry_url: string | null;
  summaries: { daily: boolean; weekly: boolean };
}

export const DEFAULT_APP_SETTINGS: AppSettings = {
  alert_emails: [],
  locale: 'es',
  customer_emails: { receipt: true, payment_failed: true, refund: true },
  payment_retry_url: null,
  summaries: { daily: true, weekly: true },
};

/** Stored (possibly partial, possibly older) settings completed with the defaults. */
export function withDefaults(stored: Partial<AppSettings> | null | undefined): AppSettings {
  const s = stored ?? {};
  return {
    alert_emails: Array.isArray(s.alert_emails) ? s.alert_emails : DEFAULT_APP_SETTINGS.alert_emails,
    locale: s.locale === 'en' ? 'en' : 'es',
    customer_emails: { ...DEFAULT_APP_SETTINGS.customer_emails, ...(s.customer_emails ?? {}) },
    payment_retry_url: s.payment_retry_url ?? null,
    summaries: { ...DEFAULT_APP_SETTINGS.summaries, ...(s.summaries ?? {}) },
  };
}

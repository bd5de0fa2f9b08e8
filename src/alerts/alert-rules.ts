import type { AlertSeverity } from './alert.entity';

export type AlertRule = 'success_rate' | 'circuit_open' | 'dead_jobs' | 'webhook_endpoint_disabled' | 'email_bounces' | 'invoice_rejected' | 'invoice_stuck';
export type AlertLocale = 'es' | 'en';

/** What an alert says, in one language. */
export interface AlertCopy {
  title: string;
  detail: string;
  facts: { label: string; value: string }[];
}

/** One condition worth telling someone about. */
export interface AlertSpec {
  /** Null: the whole deployment (gateway circuits, the job queue). */
  appId: string | null;
  rule: AlertRule;
  /** The condition (`success_rate:app_…`): at most one open alert per key. */
  key: string;
  severity: AlertSeverity;
  copy: Record<AlertLocale, AlertCopy>;
  data: Record<string, unknown>;
}

const pct = (x: number): string => `${(Math.round(x * 1000) / 10).toFixed(1)} %`;
/** A window as people say it: `45 s`, `15 min`, `2 h`. */
const span = (ms: number): string => (ms < 60_000 ? `${Math.round(ms / 1000)} s` : ms < 7_200_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 3_600_000)} h`);

export function successRateAlert(appId: string, s: { attempts: number; succeeded: number; windowMs: number; belowPercent: number }): AlertSpec {
  const rate = s.succeeded / s.attempts;
  const w = span(s.windowMs);
  return {
    appId,
    rule: 'success_rate',
    key: `success_rate:${appId}`,
    severity: rate < s.belowPercent / 200 ? 'critical' : 'warning',
    copy: {
      en: {
        title: `Payment success rate ${pct(rate)} over the last ${w}`,
        detail: `${s.succeeded} of ${s.attempts} charge attempts succeeded in the last ${w}, below the ${s.belowPercent} % threshold. Declines and gateway errors are broken down in the charges of this period.`,
        facts: [
          { label: 'Success rate', value: pct(rate) },
          { label: 'Attempts', value: String(s.attempts) },
          { label: 'Threshold', value: `${s.belowPercent} %` },
        ],
      },
      es: {
        title: `Tasa de éxito de pagos ${pct(rate)} en los últimos ${w}`,
        detail: `${s.succeeded} de ${s.attempts} intentos de cobro fueron exitosos en los últimos ${w}, por debajo del umbral de ${s.belowPercent} %. Revisa los rechazos y errores de pasarela de los cargos del periodo.`,
        facts: [
          { label: 'Tasa de éxito', value: pct(rate) },
          { label: 'Intentos', value: String(s.attempts) },
          { label: 'Umbral', value: `${s.belowPercent} %` },
        ],
      },
    },
    data: { attempts: s.attempts, succeeded: s.succeeded, success_rate: rate, window_seconds: Math.round(s.windowMs / 1000), threshold_percent: s.belowPercent },
  };
}

export function circuitOpenAlert(gateway: string): AlertSpec {
  const name = gateway === 'culqi' ? 'Culqi' : 'Mercado Pago';
  return {
    appId: null,
    rule: 'circuit_open',
    key: `circuit_open:${gateway}`,
    severity: 'critical',
    copy: {
      en: {
        title: `${name} is failing: its circuit breaker is open`,
        detail: `Several calls in a row to ${name} got no answer or a server error, so SmartPay stopped sending it payments for now and routes them to the other gateway where it can. It tries again on its own.`,
        facts: [{ label: 'Gateway', value: name }],
      },
      es: {
        title: `${name} está fallando: su circuito está abierto`,
        detail: `Varias llamadas seguidas a ${name} no obtuvieron respuesta o recibieron un error del servidor, por lo que SmartPay dejó de enviarle pagos por ahora y los dirige a la otra pasarela cuando es posible. Volverá a intentarlo por sí solo.`,
        facts: [{ label: 'Pasarela', value: name }],
      },
    },
    data: { gateway },
  };
}

export function deadJobsAlert(dead: number, threshold: number): AlertSpec {
  return {
    appId: null,
    rule: 'dead_jobs',
    key: 'dead_jobs',
    severity: 'warning',
    copy: {
      en: {
        title: `${dead} background job${dead === 1 ? '' : 's'} gave up (dead letter)`,
        detail: 'Jobs that failed on every attempt wait in the dead-letter queue: see `jobs:list --status dead` and retry them with `jobs:retry <id>` once the cause is fixed.',
        facts: [
          { label: 'Dead jobs', value: String(dead) },
          { label: 'Threshold', value: String(threshold) },
        ],
      },
      es: {
        title: `${dead} tarea${dead === 1 ? '' : 's'} en segundo plano se rindi${dead === 1 ? 'ó' : 'eron'} (dead letter)`,
        detail: 'Las tareas que fallaron en todos sus intentos esperan en la cola de descarte: revísalas con `jobs:list --status dead` y reintenta con `jobs:retry <id>` cuando la causa esté resuelta.',
        facts: [
          { label: 'Tareas descartadas', value: String(dead) },
          { label: 'Umbral', value: String(threshold) },
        ],
      },
    },
    data: { dead_jobs: dead, threshold },
  };
}

export function endpointDisabledAlert(e: { appId: string; id: string; url: string; reason: string | null }): AlertSpec {
  return {
    appId: e.appId,
    rule: 'webhook_endpoint_disabled',
    key: `webhook_endpoint_disabled:${e.id}`,
    severity: 'warning',
    copy: {
      en: {
        title: 'A webhook endpoint was disabled after failing for days',
        detail: `Every delivery attempt to ${e.url} failed until the retry schedule ran out, so it no longer receives events. Fix the endpoint, re-enable it (PATCH /v1/webhook-endpoints/${e.id} with status "enabled") and redeliver what it missed.`,
        facts: [
          { label: 'Endpoint', value: e.id },
          { label: 'URL', value: e.url },
        ],
      },
      es: {
        title: 'Se desactivó un endpoint de webhooks tras fallar durante días',
        detail: `Todos los intentos de entrega a ${e.url} fallaron hasta agotar los reintentos, así que ya no recibe eventos. Corrige el endpoint, reactívalo (PATCH /v1/webhook-endpoints/${e.id} con status "enabled") y reenvía lo que no recibió.`,
        facts: [
          { label: 'Endpoint', value: e.id },
          { label: 'URL', value: e.url },
        ],
      },
    },
    data: { endpoint_id: e.id, url: e.url, reason: e.reason },
  };
}

export function emailBouncesAlert(appId: string, s: { bounces: number; windowMs: number; threshold: number }): AlertSpec {
  const w = span(s.windowMs);
  return {
    appId,
    rule: 'email_bounces',
    key: `email_bounces:${appId}`,
    severity: 'warning',
    copy: {
      en: {
        title: `${s.bounces} customer e-mail${s.bounces === 1 ? '' : 's'} bounced in the last ${w}`,
        detail: 'Receipts or notices could not be delivered (hard bounces, spam complaints, or addresses Postmark already marks inactive). Those addresses get no more e-mail; check the customers’ e-mail addresses.',
        facts: [
          { label: 'Bounces', value: String(s.bounces) },
          { label: 'Threshold', value: String(s.threshold) },
        ],
      },
      es: {
        title: `${s.bounces} correo${s.bounces === 1 ? '' : 's'} a clientes rebot${s.bounces === 1 ? 'ó' : 'aron'} en ${w === '24 h' ? 'las últimas 24 h' : `los últimos ${w}`}`,
        detail: 'No se pudieron entregar recibos o avisos (rebotes definitivos, quejas de spam o direcciones que Postmark ya marca inactivas). Esas direcciones no recibirán más correos; revisa los correos de tus clientes.',
        facts: [
          { label: 'Rebotes', value: String(s.bounces) },
          { label: 'Umbral', value: String(s.threshold) },
        ],
      },
    },
    data: { bounces: s.bounces, window_seconds: Math.round(s.windowMs / 1000), threshold: s.threshold },
  };
}

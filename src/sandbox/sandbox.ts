import { CulqiSimulator, type CulqiWebhookTarget } from './culqi/culqi-simulator';
import type { FaultSpec } from './fault-spec';
import { MercadoPagoSimulator } from './mercadopago/mp-simulator';
import { PostmarkSimulator, type PostmarkWebhookTarget } from './postmark/postmark-simulator';
import { PushSimulator } from './push/push-simulator';
import { randomAlnum, randomDigits, randomHex, uuid } from './random-values';
import type { Clock } from './sim-types';
import { SUNAT_DEFAULT_PASSWORD, SUNAT_DEFAULT_USER, SunatSimulator } from './sunat/sunat-simulator';

export interface SandboxOptions {
  /** Loopback by default: the simulators are never meant to be reachable from elsewhere. */
  host?: string;
  /** 0 (default) = a random free port each. */
  culqiPort?: number;
  mercadopagoPort?: number;
  postmarkPort?: number;
  /** The Web Push service simulator (HTTPS). */
  pushPort?: number;
  /** The SUNAT/OSE billService simulator. */
  sunatPort?: number;
  /** SOL user accepted after any RUC (default `MODDATOS`), or RUC + SOL user to accept that RUC only. */
  sunatUser?: string;
  /** Default `moddatos` (SUNAT beta's). */
  sunatPassword?: string;
  /** XSD validation of every document sent to SUNAT (default true; about 0.3 s each). */
  sunatSchemaValidation?: boolean;
  culqiPublicKey?: string;
  culqiSecretKey?: string;
  mercadopagoPublicKey?: string;
  mercadopagoAccessToken?: string;
  mercadopagoWebhookSecret?: string;
  /** Default: a random `pm-sandbox-<uuid>`. */
  postmarkServerToken?: string;
  /** Where Culqi events go (Culqi has one webhook URL per account, set in its panel), with optional Basic auth. */
  culqiWebhookUrl?: string;
  culqiWebhookUser?: string;
  culqiWebhookPassword?: string;
  /** Where Postmark's Delivery/Bounce/SpamComplaint webhooks go, with optional Basic auth. */
  postmarkWebhookUrl?: string;
  postmarkWebhookUser?: string;
  postmarkWebhookPassword?: string;
  /** Culqi event types delivered; default all. */
  culqiWebhookEvents?: string[];
  /** Added to every gateway answer (benchmarks). */
  latencyMs?: number;
  /** Time source for token expiry, challenge deadlines and timestamps; default Date.now. */
  clock?: Clock;
  culqiTokenTtlMs?: number;
  culqiParameterErrorStatus?: number;
  mercadopagoTokenTtlMs?: number;
  mercadopagoChallengeTtlMs?: number;
  /** Delays between webhook retries after a non-2xx answer (default 250 ms, 1 s, 3 s). */
  webhookRetryDelaysMs?: number[];
  /** The control root reported by describe() (SmartPay's `/sandbox`, or the standalone control address). */
  controlUrl?: string;
}

/** GET /v1/sandbox (api.md "Sandbox"): what a client and a test need to use the simulators. */
export interface SandboxDescription {
  culqi: { base_url: string; secure_url: string; public_key: string; secret_key: string };
  mercadopago: { base_url: string; public_key: string; access_token: string; webhook_secret: string };
  postmark: { base_url: string; server_token: string } | null;
  /**
   * The SUNAT/OSE simulator: its origin (`base_url`), the billService endpoint under it and the WS-Security
   * credentials it accepts (username = RUC + SOL user).
   */
  sunat: { base_url: string; bill_service_url?: string; username?: string; password?: string } | null;
  /** The Web Push service: endpoints are under base_url, served with a certificate only `ca` vouches for. */
  push: { base_url: string; ca: string } | null;
  control_url: string | null;
}

export const SANDBOX_GATEWAYS = ['culqi', 'mercadopago'] as const;
export type SandboxGateway = (typeof SANDBOX_GATEWAYS)[number];
/** Every simulator that takes faults (`{control}/<name>/_faults`): the gateways, Postmark, the push service and SUNAT. */
export const SANDBOX_SIMULATORS = [...SANDBOX_GATEWAYS, 'postmark', 'push', 'sunat'] as const;
export type SandboxSimulatorName = (typeof SANDBOX_SIMULATORS)[number];

const MINUTE = 60_000;

/** What the `_faults` control routes drive: a simulator's listener, plain HTTP or (the push service) HTTPS. */
export interface FaultableServer {
  readonly port: number;
  readonly currentFault: FaultSpec | null;
  setFault(spec: FaultSpec): Promise<void>;
  clearFault(): Promise<void>;
}

/** The gateway simulators, Postmark, the push service and SUNAT, each on its own loopback listener, with sandbox-only credentials. */
export class Sandbox {
  readonly culqi: CulqiSimulator;
  readonly mercadopago: MercadoPagoSimulator;
  readonly postmark: PostmarkSimulator;
  readonly push: PushSimulator;
  readonly sunat: SunatSimulator;
  private controlUrl: string | null;
  private started = false;

  constructor(options: SandboxOptions = {}) {
    const host = options.host ?? '127.0.0.1';
    const now = options.clock ?? (() => Date.now());
    const retries = options.webhookRetryDelaysMs ?? [250, 1_000, 3_000];
    this.controlUrl = options.controlUrl ?? null;
    const webhook: CulqiWebhookTarget | null = options.culqiWebhookUrl
      ? { url: options.culqiWebhookUrl, user: options.culqiWebhookUser, password: options.culqiWebhookPassword }
      : null;
    this.culqi = new CulqiSimulator({
      host,
      port: options.culqiPort ?? 0,
      publicKey: options.culqiPublicKey ?? `pk_test_${randomAlnum(16)}`,
      secretKey: options.culqiSecretKey ?? `sk_test_${randomAlnum(16)}`,
      now,
      tokenTtlMs: options.culqiTokenTtlMs ?? 5 * MINUTE,
      parameterErrorStatus: options.culqiParameterErrorStatus ?? 422,
      baseLatencyMs: options.latencyMs ?? 0,
      webhook,
      webhookEvents: options.culqiWebhookEvents,
      webhookRetryDelaysMs: retries,
    });
    const userId = Number(randomDigits(9));
    const accessToken = options.mercadopagoAccessToken ?? `TEST-${randomDigits(16)}-${randomDigits(6)}-${randomHex(16)}-${userId}`;
    this.mercadopago = new MercadoPagoSimulator({
      host,
      port: options.mercadopagoPort ?? 0,
      publicKey: options.mercadopagoPublicKey ?? `TEST-${uuid()}`,
      accessToken,
      webhookSecret: options.mercadopagoWebhookSecret ?? randomHex(32),
      // A Mercado Pago access token ends with the seller's user id; reuse it when one is given.
      userId: Number(/-(\d{6,12})$/.exec(accessToken)?.[1] ?? userId),
      now,
      tokenTtlMs: options.mercadopagoTokenTtlMs ?? 7 * 24 * 60 * MINUTE,
      challengeTtlMs: options.mercadopagoChallengeTtlMs ?? 5 * MINUTE,
      baseLatencyMs: options.latencyMs ?? 0,
      webhookRetryDelaysMs: retries,
    });
    const postmarkWebhook: PostmarkWebhookTarget | null = options.postmarkWebhookUrl
      ? { url: options.postmarkWebhookUrl, user: options.postmarkWebhookUser, password: options.postmarkWebhookPassword }
      : null;
    this.postmark = new PostmarkSimulator({
      host,
      port: options.postmarkPort ?? 0,
      serverToken: options.postmarkServerToken ?? `pm-sandbox-${uuid()}`,
      now,
      baseLatencyMs: options.latencyMs ?? 0,
      webhook: postmarkWebhook,
      webhookRetryDelaysMs: retries,
    });
    this.push = new PushSimulator({ host, port: options.pushPort ?? 0, now, baseLatencyMs: options.latencyMs ?? 0 });
    this.sunat = new SunatSimulator({
      host,
      port: options.sunatPort ?? 0,
      user: options.sunatUser ?? SUNAT_DEFAULT_USER,
      password: options.sunatPassword ?? SUNAT_DEFAULT_PASSWORD,
      now,
      baseLatencyMs: options.latencyMs ?? 0,
      validateSchema: options.sunatSchemaValidation ?? true,
    });
  }

  /** Starts every simulator; on failure nothing stays open. */
  async start(): Promise<this> {
    try {
      await this.culqi.start();
      await this.mercadopago.start();
      await this.postmark.start();
      await this.push.start();
      await this.sunat.start();
      this.started = true;
      return this;
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  get isStarted(): boolean {
    return this.started;
  }

  setControlUrl(url: string): void {
    this.controlUrl = url;
  }

  server(name: SandboxSimulatorName): FaultableServer {
    switch (name) {
      case 'culqi':
        return this.culqi.server;
      case 'mercadopago':
        return this.mercadopago.server;
      case 'postmark':
        return this.postmark.server;
      case 'push':
        return this.push.server;
      case 'sunat':
        return this.sunat.server;
    }
  }

  describe(): SandboxDescription {
    return {
      culqi: { base_url: this.culqi.baseUrl, secure_url: this.culqi.baseUrl, public_key: this.culqi.publicKey, secret_key: this.culqi.secretKey },
      mercadopago: {
        base_url: this.mercadopago.baseUrl,
        public_key: this.mercadopago.publicKey,
        access_token: this.mercadopago.accessToken,
        webhook_secret: this.mercadopago.webhookSecret,
      },
      postmark: { base_url: this.postmark.baseUrl, server_token: this.postmark.serverToken },
      sunat: { base_url: this.sunat.baseUrl, bill_service_url: this.sunat.billServiceUrl, username: this.sunat.username, password: this.sunat.password },
      push: { base_url: this.push.baseUrl, ca: this.push.ca },
      control_url: this.controlUrl,
    };
  }

  /** Closes listeners, pending delayed answers and webhook retries. */
  async close(): Promise<void> {
    this.started = false;
    await Promise.all([this.culqi.close(), this.mercadopago.close(), this.postmark.close(), this.push.close(), this.sunat.close()]);
  }
}

import { readFileSync } from 'node:fs';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { PinoLogger } from 'nestjs-pino';
import { AppConfig, ConfigError } from '../config/app-config';
import type { IssuerConfig } from '../config/invoice-issuers.schema';
import { SystemSettings } from '../database/system-settings';
import { DEMO_ISSUER } from './demo-issuer';
import type { IssuerSeries } from './document-builder';
import type { IssuerParty } from './invoice-document';
import { SunatSoapSubmitter } from './submission/sunat-soap-submitter';
import type { SunatSubmitter } from './submission/submission-port';
import { SUNAT_ENDPOINT, type SunatEndpoint } from './submission/sunat-endpoint';
import { generateDemoCredentials, loadSigningCredentials, type SigningCredentials } from './ubl/signing-credentials';

/** Everything SmartPay needs to invoice for one app. */
export interface ResolvedIssuer {
  /** `*` or the app id it was configured for. */
  app: string;
  enabled: boolean;
  party: IssuerParty;
  series: IssuerSeries;
  credentials: SigningCredentials;
  /** Boletas and their notes: sendBill each (`each`), or in the daily summary (summary/daily-summaries.ts). */
  boletas: 'each' | 'daily_summary';
  /** Resolved on first use: the sandbox's SUNAT simulator starts after this module. */
  submitter(): SunatSubmitter;
  demo: boolean;
}

const DEMO_CREDENTIALS_KEY = 'invoices.demo_signing_credentials';

/**
 * The issuers of SUNAT_ISSUERS, loaded and checked at start (certificate readable, password right, key matching,
 * not expired): a misconfigured issuer stops the start with a clear message instead of failing at the first paid
 * order. In sandbox mode without SUNAT_ISSUERS every app invoices as the demo issuer, whose self-signed
 * certificate is generated on the first start and shared through system_settings by every instance.
 */
@Injectable()
export class IssuerRegistry implements OnModuleInit {
  private readonly byApp = new Map<string, ResolvedIssuer>();

  constructor(
    private readonly config: AppConfig,
    private readonly settings: SystemSettings,
    private readonly moduleRef: ModuleRef,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('Invoices');
  }

  async onModuleInit(): Promise<void> {
    const configured = this.config.invoices.issuers;
    if (configured) {
      const problems: string[] = [];
      for (const [i, issuer] of configured.entries()) {
        try {
          this.byApp.set(issuer.app, this.resolve(issuer, loadConfiguredCredentials(issuer), false));
        } catch (err) {
          problems.push(`SUNAT_ISSUERS: issuer ${i + 1} (${issuer.app}, RUC ${issuer.ruc}): ${(err as Error).message}`);
        }
      }
      if (problems.length > 0) throw new ConfigError(problems);
    } else if (this.config.sandbox.enabled) {
      const stored = await this.settings.getOrCreate(DEMO_CREDENTIALS_KEY, () => {
        const generated = generateDemoCredentials({ ruc: DEMO_ISSUER.ruc, legalName: DEMO_ISSUER.legal_name, validDays: 3650 });
        return JSON.stringify({ key: generated.privateKeyPem, cert: generated.certificatePem });
      });
      const { key, cert } = JSON.parse(stored) as { key: string; cert: string };
      this.byApp.set('*', this.resolve(DEMO_ISSUER, loadSigningCredentials({ keyPem: key, certPem: cert }), true));
    }
    for (const issuer of this.byApp.values()) {
      this.logger.info({ app: issuer.app, ruc: issuer.party.ruc, enabled: issuer.enabled, demo: issuer.demo, certificate: issuer.credentials.subject, notAfter: issuer.credentials.notAfter }, 'invoice issuer ready');
    }
  }

  /** The app's issuer when it invoices; null when invoicing is off for it. */
  forApp(appId: string): ResolvedIssuer | null {
    const issuer = this.byApp.get(appId) ?? this.byApp.get('*') ?? null;
    return issuer?.enabled ? issuer : null;
  }

  /** Whether any issuer reports boletas in the daily summary (the summary job only runs then). */
  usesDailySummary(): boolean {
    return [...this.byApp.values()].some((issuer) => issuer.enabled && issuer.boletas === 'daily_summary');
  }

  private resolve(issuer: IssuerConfig, credentials: SigningCredentials, demo: boolean): ResolvedIssuer {
    const password = issuer.sol_password ?? readSecret(issuer.sol_password_file!, 'sol_password_file');
    let submitter: SunatSubmitter | null = null;
    return {
      app: issuer.app,
      enabled: issuer.enabled,
      demo,
      party: {
        ruc: issuer.ruc,
        legalName: issuer.legal_name,
        tradeName: issuer.trade_name,
        address: { ...issuer.address, countryCode: 'PE', establishmentCode: issuer.address.establishment_code },
      },
      series: issuer.series,
      credentials,
      boletas: issuer.boletas,
      submitter: () => {
        submitter ??= this.submitterFor(issuer, password, demo);
        return submitter;
      },
    };
  }

  private submitterFor(issuer: IssuerConfig, password: string, demo: boolean): SunatSubmitter {
    const timeoutMs = this.config.invoices.timeoutMs;
    // In sandbox mode every issuer submits to the SUNAT simulator, whatever URL it names: sandbox traffic never
    // leaves the machine.
    if (this.config.sandbox.enabled) {
      const endpoint = this.moduleRef.get<SunatEndpoint | null>(SUNAT_ENDPOINT, { strict: false });
      if (!endpoint) throw new Error('sandbox mode without a SUNAT simulator');
      return new SunatSoapSubmitter({
        baseUrl: endpoint.billServiceUrl,
        username: demo ? endpoint.username : `${issuer.ruc}${issuer.sol_user}`,
        password: demo ? endpoint.password : password,
        timeoutMs,
      });
    }
    return new SunatSoapSubmitter({ baseUrl: issuer.bill_service_url ?? this.config.invoices.billServiceUrl, username: `${issuer.ruc}${issuer.sol_user}`, password, timeoutMs });
  }
}

function loadConfiguredCredentials(issuer: IssuerConfig): SigningCredentials {
  const c = issuer.certificate;
  const password = c.password ?? (c.password_file ? readSecret(c.password_file, 'certificate.password_file') : undefined);
  if (c.pfx_file) return loadSigningCredentials({ pfx: readFile(c.pfx_file, 'certificate.pfx_file'), password });
  return loadSigningCredentials({ pem: readFile(c.pem_file!, 'certificate.pem_file').toString('utf8'), password });
}

function readFile(path: string, field: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`${field}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
  }
}

/** A secret file's content without the trailing newline editors and `echo` add. */
function readSecret(path: string, field: string): string {
  return readFile(path, field).toString('utf8').replace(/\r?\n$/, '');
}

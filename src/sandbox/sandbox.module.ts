import { Controller, type DynamicModule, Get, Inject, Module, type OnApplicationShutdown, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { ApiKeyAuth } from '../common/auth/caller.decorator';
import { ApiJsonResponse, ApiProblems } from '../common/docs/api-docs.decorators';
import { AppConfig } from '../config/app-config';
import { endpointsFromSandbox, GATEWAY_ENDPOINTS } from '../gateways/gateway-endpoints';
import { Sandbox, type SandboxDescription } from './sandbox';

import { SANDBOX, SANDBOX_DESCRIPTION } from './sandbox-tokens';
import { SandboxWebhookWiring } from './sandbox-webhook-wiring';
import { MAIL_ENDPOINT, type MailEndpoint } from '../notifications/mail-endpoint';
import { NotificationsModule } from '../notifications/notifications.module';
import { PUSH_SERVICE_CA } from '../alerts/push/push-agent.provider';
import { SUNAT_ENDPOINT, type SunatEndpoint } from '../invoices/submission/sunat-endpoint';

export { SANDBOX, SANDBOX_DESCRIPTION };

const descriptionSchema = z.object({
  culqi: z.object({ base_url: z.string(), secure_url: z.string(), public_key: z.string(), secret_key: z.string() }),
  mercadopago: z.object({ base_url: z.string(), public_key: z.string(), access_token: z.string(), webhook_secret: z.string() }),
  postmark: z.object({ base_url: z.string(), server_token: z.string() }).nullable(),
  sunat: z.object({ base_url: z.string(), bill_service_url: z.string().optional(), username: z.string().optional(), password: z.string().optional() }).nullable(),
  push: z.object({ base_url: z.string(), ca: z.string() }).nullable(),
  control_url: z.string().nullable(),
});

@ApiTags('Sandbox')
@ApiKeyAuth()
@Controller('v1/sandbox')
class SandboxController {
  constructor(
    @Inject(SANDBOX) private readonly sandbox: Sandbox | null,
    @Inject(SANDBOX_DESCRIPTION) private readonly description: SandboxDescription,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Sandbox endpoints and test credentials',
    description: 'Sandbox mode only: where to tokenize test cards, the simulators’ URLs and the control root for fault injection.',
  })
  @ApiJsonResponse(200, descriptionSchema)
  @ApiProblems()
  describe(@Req() req: Request): SandboxDescription {
    const current = this.sandbox ? this.sandbox.describe() : this.description;
    // In-process simulators are controlled under SmartPay's own /sandbox.
    const control = this.sandbox ? `${req.protocol}://${req.get('host') ?? 'localhost'}/sandbox` : current.control_url;
    return { ...current, control_url: control };
  }
}

class SandboxLifecycle implements OnApplicationShutdown {
  constructor(@Inject(SANDBOX) private readonly sandbox: Sandbox | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.sandbox?.close();
  }
}

/**
 * Sandbox mode: starts the gateway simulators in this process (each on its own loopback port) or
 * reads a standalone sandbox's description, and points the gateway adapters at them. Imported only
 * when sandbox mode is on; production code never loads it.
 */
@Module({})
export class SandboxModule {
  static forRoot(): DynamicModule {
    return {
      module: SandboxModule,
      imports: [NotificationsModule],
      controllers: [SandboxController],
      providers: [
        {
          provide: SANDBOX,
          inject: [AppConfig],
          useFactory: async (config: AppConfig) => (config.sandbox.externalUrl ? null : new Sandbox({ sunatSchemaValidation: config.sandbox.sunatSchemaValidation }).start()),
        },
        {
          provide: SANDBOX_DESCRIPTION,
          inject: [AppConfig, SANDBOX],
          useFactory: async (config: AppConfig, sandbox: Sandbox | null) => (sandbox ? sandbox.describe() : fetchDescription(config.sandbox.externalUrl!)),
        },
        {
          provide: GATEWAY_ENDPOINTS,
          inject: [AppConfig, SANDBOX_DESCRIPTION],
          useFactory: (config: AppConfig, description: SandboxDescription) => endpointsFromSandbox(description, config.gatewayTimeoutMs),
        },
        {
          provide: MAIL_ENDPOINT,
          inject: [SANDBOX_DESCRIPTION],
          useFactory: (d: SandboxDescription): MailEndpoint | null => (d.postmark ? { apiUrl: d.postmark.base_url, serverToken: d.postmark.server_token } : null),
        },
        {
          provide: SUNAT_ENDPOINT,
          inject: [SANDBOX_DESCRIPTION],
          useFactory: (d: SandboxDescription): SunatEndpoint | null => (d.sunat ? sunatEndpoint(d.sunat) : null),
        },
        { provide: PUSH_SERVICE_CA, inject: [SANDBOX_DESCRIPTION], useFactory: (d: SandboxDescription): string | null => d.push?.ca ?? null },
        { provide: SandboxLifecycle, inject: [SANDBOX], useFactory: (s: Sandbox | null) => new SandboxLifecycle(s) },
        SandboxWebhookWiring,
      ],
      exports: [SANDBOX, SANDBOX_DESCRIPTION, GATEWAY_ENDPOINTS, MAIL_ENDPOINT, PUSH_SERVICE_CA, SUNAT_ENDPOINT],
    };
  }
}

/** The simulator serves SUNAT's beta path; its sandbox credentials are the demo issuer's (RUC + SOL user). */
function sunatEndpoint(sunat: { base_url: string; bill_service_url?: string; username?: string; password?: string }): SunatEndpoint {
  return {
    billServiceUrl: sunat.bill_service_url ?? `${sunat.base_url.replace(/\/$/, '')}/ol-ti-itcpfegem-beta/billService`,
    username: sunat.username ?? '20000000001MODDATOS',
    password: sunat.password ?? 'moddatos',
  };
}

async function fetchDescription(controlUrl: string): Promise<SandboxDescription> {
  const response = await fetch(controlUrl, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`SMARTPAY_SANDBOX_URL ${controlUrl} answered ${response.status}`);
  return descriptionSchema.parse(await response.json());
}

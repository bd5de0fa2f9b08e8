import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiJsonResponse, ApiListResponse, ApiQueryFrom } from '../common/docs/api-docs.decorators';
import { AdminAuth, AdminProblems } from './admin-docs.decorators';
import { ApiError } from '../common/errors/api-error';
import { ZodValidationPipe } from '../common/validation/zod-validation.pipe';
import { SqlRunner } from '../database/sql-runner';
import { GatewayCircuitBreakers } from '../gateways/resilience/gateway-circuit-breakers';
import { JobStore } from '../jobs/job-store';
import type { Job } from '../jobs/job.entity';
import { AdminAudit } from './admin-audit';
import { AdminSessionGuard } from './admin-session.guard';
import {
  appsListSchema,
  auditEntrySchema,
  creditsOverviewSchema,
  gatewaysListSchema,
  jobRetriedSchema,
  jobsListSchema,
  listAuditSchema,
  listJobsSchema,
  orderActivitySchema,
} from './admin.schemas';
import { CreditsOverview } from './credits-overview';
import { OrderActivity } from './order-activity';
import { z } from 'zod';
import { dateFromDriver } from '../database/sql-session';

/**
 * The dashboard's own reads and actions (docs/admin.md); everything app-scoped that the public API already
 * answers goes through the /v1 bridge instead. The admin gate has authenticated every request here,
 * checked the CSRF token and the role of the writes, and opened their audit entries.
 */
@ApiTags('Admin dashboard')
@AdminAuth()
@UseGuards(AdminSessionGuard)
@Controller('admin/api')
export class AdminController {
  constructor(
    private readonly sql: SqlRunner,
    private readonly circuits: GatewayCircuitBreakers,
    private readonly jobs: JobStore,
    private readonly audit: AdminAudit,
    private readonly activity: OrderActivity,
    private readonly credits: CreditsOverview,
  ) {}

  @Get('apps')
  @ApiOperation({ summary: 'Every app of the deployment', description: 'The dashboard reads and acts on one app at a time through `/admin/api/apps/{app_id}/v1/…` (the public API as that app; docs/admin.md).' })
  @ApiJsonResponse(200, appsListSchema)
  @AdminProblems('authentication_required')
  async apps() {
    const rows = await this.sql.all<{ id: string; name: string; created_at: unknown }>('select id, name, created_at from apps order by id');
    return { object: 'list', data: rows.map((r) => ({ id: r.id, name: r.name, created_at: dateFromDriver(r.created_at).toISOString() })) };
  }

  @Get('gateways')
  @ApiOperation({ summary: 'Gateways and their circuit state', description: 'Circuit state is per instance: this is the answering instance’s view.' })
  @ApiJsonResponse(200, gatewaysListSchema)
  @AdminProblems('authentication_required')
  gateways() {
    const configured = this.circuits.configured();
    return {
      object: 'list',
      // Circuit state is per instance (each learns from its own calls): this is the answering instance's view.
      data: (['culqi', 'mercadopago'] as const).map((gateway) => ({ gateway, configured: configured.includes(gateway), circuit: this.circuits.state(gateway) })),
    };
  }

  @Get('jobs')
  @ApiOperation({ summary: 'Job backlog and the latest jobs' })
  @ApiQueryFrom(listJobsSchema)
  @ApiJsonResponse(200, jobsListSchema)
  @AdminProblems('authentication_required', 'validation_error')
  async listJobs(@Query(new ZodValidationPipe(listJobsSchema, 'query')) q: z.infer<typeof listJobsSchema>) {
    const [counts, jobs] = await Promise.all([this.jobs.countByStatus(), this.jobs.list(q.status, q.limit)]);
    return { object: 'list', counts, data: jobs.map(presentJob) };
  }

  @Post('jobs/:id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run a dead job again (admins)' })
  @ApiParam({ name: 'id', description: 'job_…' })
  @ApiHeader({ name: 'X-CSRF-Token', required: true })
  @ApiJsonResponse(200, jobRetriedSchema)
  @AdminProblems('authentication_required', 'csrf_failed', 'forbidden', 'resource_not_found', 'validation_error')
  async retryJob(@Param('id') id: string) {
    const result = await this.jobs.retryDead(id);
    if (!result.retried && result.status === null) throw ApiError.notFound('job');
    if (!result.retried) throw ApiError.validation([{ param: 'id', message: `the job is ${result.status}, only dead jobs can be retried` }]);
    return { id, retried: true };
  }

  @Get('audit-log')
  @ApiOperation({ summary: 'The audit log of admin actions', description: 'Sign-ins (failed ones too), sign-outs and every write, newest first.' })
  @ApiQueryFrom(listAuditSchema)
  @ApiListResponse(auditEntrySchema)
  @AdminProblems('authentication_required', 'validation_error')
  auditLog(@Query(new ZodValidationPipe(listAuditSchema, 'query')) q: z.infer<typeof listAuditSchema>) {
    return this.audit.list(q.limit, q.cursor);
  }

  @Get('apps/:app/orders/:id/activity')
  @ApiOperation({ summary: 'What the public API does not show about an order', description: 'Its events with every delivery attempt, the gateway webhooks received for its charges, its e-mails.' })
  @ApiParam({ name: 'app', description: 'app_…' })
  @ApiParam({ name: 'id', description: 'ord_…' })
  @ApiJsonResponse(200, orderActivitySchema)
  @AdminProblems('authentication_required', 'resource_not_found')
  orderActivity(@Param('app') appId: string, @Param('id') orderId: string) {
    return this.activity.of(appId, orderId);
  }

  @Get('apps/:app/credits/overview')
  @ApiOperation({ summary: 'Low balances and auto-renewals of an app’s customers' })
  @ApiParam({ name: 'app', description: 'app_…' })
  @ApiJsonResponse(200, creditsOverviewSchema)
  @AdminProblems('authentication_required')
  creditsOverview(@Param('app') appId: string) {
    return this.credits.of(appId);
  }
}

function presentJob(j: Job) {
  return {
    id: j.id,
    type: j.type,
    status: j.status,
    attempts: j.attempts,
    max_attempts: j.maxAttempts,
    run_at: j.runAt.toISOString(),
    last_error: j.lastError,
    created_at: j.createdAt.toISOString(),
  };
}

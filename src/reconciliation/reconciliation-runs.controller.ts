import { EntityManager } from '@mikro-orm/core';
import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import { ApiKeyAuth, Caller } from '../common/auth/caller.decorator';
import { Clock } from '../common/clock';
import { ApiIdempotent, ApiJsonBody, ApiJsonResponse, ApiProblems } from '../common/docs/api-docs.decorators';
import { ApiError } from '../common/errors/api-error';
import { isId, newId } from '../common/ids';
import { ZodValidationPipe } from '../common/validation/zod-validation.pipe';
import { JobQueue } from '../jobs/job-queue';
import { RECONCILE_RUN_JOB } from './pending-charges.reconciler';
import { ReconciliationRun } from './reconciliation-run.entity';

const runSchema = z.object({
  id: z.string().describe('rcn_…'),
  object: z.literal('reconciliation_run'),
  status: z.enum(['queued', 'running', 'completed', 'failed']),
  checked: z.number().int().describe('Pending or requires_action charges, and pending refunds, looked up'),
  updated: z.number().int().describe('Charges and refunds whose status changed from the gateway’s truth'),
  discrepancies: z.array(z.string()),
  error: z.string().nullable(),
  created_at: z.string(),
  finished_at: z.string().nullable(),
});

const present = (r: ReconciliationRun) => ({
  id: r.id,
  object: 'reconciliation_run' as const,
  status: r.status,
  checked: r.checked,
  updated: r.updated,
  discrepancies: r.discrepancies,
  error: r.error,
  created_at: r.createdAt.toISOString(),
  finished_at: r.finishedAt?.toISOString() ?? null,
});

@ApiTags('Reconciliation')
@ApiKeyAuth()
@Controller('v1/reconciliation/runs')
export class ReconciliationRunsController {
  constructor(
    private readonly em: EntityManager,
    private readonly clock: Clock,
    private readonly jobs: JobQueue,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Reconcile now',
    description: "Looks up every `pending` and `requires_action` charge and every `pending` refund of your app at its gateway now (the recurring job's work) and applies the gateway's truth. Runs in the background: poll the run.",
  })
  @ApiJsonBody(z.object({}).strict())
  @ApiJsonResponse(202, runSchema, 'The queued run')
  @ApiIdempotent()
  @ApiProblems('validation_error')
  async create(@Caller() caller: AuthedCaller, @Body(new ZodValidationPipe(z.object({}).strict())) _body: object) {
    const run = Object.assign(new ReconciliationRun(), { id: newId('reconciliationRun'), appId: caller.appId, status: 'queued' as const, discrepancies: [], createdAt: this.clock.now() });
    await this.em.transactional(async (tx) => {
      await tx.insert(ReconciliationRun, run);
      await this.jobs.enqueue(tx, RECONCILE_RUN_JOB, { runId: run.id }, { appId: caller.appId, maxAttempts: 3 });
    });
    return present(run);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A reconciliation run and its result' })
  @ApiParam({ name: 'id', description: 'rcn_…' })
  @ApiJsonResponse(200, runSchema)
  @ApiProblems('resource_not_found')
  async get(@Caller() caller: AuthedCaller, @Param('id') id: string) {
    if (!isId('reconciliationRun', id)) throw ApiError.notFound('reconciliation run');
    const run = await this.em.findOne(ReconciliationRun, { id, appId: caller.appId });
    if (!run) throw ApiError.notFound('reconciliation run');
    return present(run);
  }
}

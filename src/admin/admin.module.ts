import { Module } from '@nestjs/common';
import { AdminAudit } from './admin-audit';
import { AdminController } from './admin.controller';
import { AdminGate } from './admin-gate';
import { AdminSessionController } from './admin-session.controller';
import { AdminSessionGuard } from './admin-session.guard';
import { AdminSessions } from './admin-sessions.service';
import { CreditsOverview } from './credits-overview';
import { OrderActivity } from './order-activity';

/**
 * The admin dashboard: sessions, the gate in front of /admin/api (with the /v1 bridge), the dashboard's
 * own endpoints and the audit log. The single-page app itself is served by admin-ui.ts.
 */
@Module({
  controllers: [AdminSessionController, AdminController],
  providers: [AdminSessions, AdminAudit, AdminGate, AdminSessionGuard, OrderActivity, CreditsOverview],
  exports: [AdminGate],
})
export class AdminModule {}

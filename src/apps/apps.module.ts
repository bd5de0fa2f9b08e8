import { Global, Module } from '@nestjs/common';
import { ApiKeyGuard } from '../common/auth/api-key.guard';
import { AdminsService } from './admins.service';
import { AppsService } from './apps.service';
import { BootstrapService } from './bootstrap.service';
import { AppController } from './app.controller';

/** Tenants, API keys and admin users. Global so every controller's ApiKeyGuard can resolve AppsService. */
@Global()
@Module({
  controllers: [AppController],
  providers: [AppsService, AdminsService, BootstrapService, ApiKeyGuard],
  exports: [AppsService, AdminsService, ApiKeyGuard],
})
export class AppsModule {}

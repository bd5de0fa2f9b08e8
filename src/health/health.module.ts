import { Module } from '@nestjs/common';
import { DatabaseHealthCheck } from '../database/database-health';
import { HealthController } from './health.controller';

@Module({ controllers: [HealthController], providers: [DatabaseHealthCheck] })
export class HealthModule {}

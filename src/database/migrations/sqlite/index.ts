import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261128050058 } from './Migration20261128050058';
import { Migration20261128050424 } from './Migration20261128050424';
import { Migration20261128053035 } from './Migration20261128053035';
import { Migration20261128053342 } from './Migration20261128053342';
import { Migration20261128060422 } from './Migration20261128060422';
import { Migration20261204055702_Notifications } from './Migration20261204055702_Notifications';
import { Migration20261204084052_Credits } from './Migration20261204084052_Credits';
import { Migration20261204161513_Invoices } from './Migration20261204161513_Invoices';
import { Migration20261204181019_DailySummaries } from './Migration20261204181019_DailySummaries';
import { Migration20261204212048_Reports } from './Migration20261204212048_Reports';
import { Migration20261204221413_ReportIndexes } from './Migration20261204221413_ReportIndexes';
import { Migration20261204234357_AdminDashboard } from './Migration20261204234357_AdminDashboard';
import { Migration20261205005115_Rollups } from './Migration20261205005115_Rollups';
import { Migration20261205042506_ReportChargeDays } from './Migration20261205042506_ReportChargeDays';
import { Migration20261205191252_LotRemainingCheck } from './Migration20261205191252_LotRemainingCheck';

/** SQLite migrations in order; written by `npm run migration:create`. */
export const SQLITE_MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261128050058', class: Migration20261128050058 },
  { name: 'Migration20261128050424', class: Migration20261128050424 },
  { name: 'Migration20261128053035', class: Migration20261128053035 },
  { name: 'Migration20261128053342', class: Migration20261128053342 },
  { name: 'Migration20261128060422', class: Migration20261128060422 },
  { name: 'Migration20261204055702_Notifications', class: Migration20261204055702_Notifications },
  { name: 'Migration20261204084052_Credits', class: Migration20261204084052_Credits },
  { name: 'Migration20261204161513_Invoices', class: Migration20261204161513_Invoices },
  { name: 'Migration20261204181019_DailySummaries', class: Migration20261204181019_DailySummaries },
  { name: 'Migration20261204212048_Reports', class: Migration20261204212048_Reports },
  { name: 'Migration20261204221413_ReportIndexes', class: Migration20261204221413_ReportIndexes },
  { name: 'Migration20261204234357_AdminDashboard', class: Migration20261204234357_AdminDashboard },
  { name: 'Migration20261205005115_Rollups', class: Migration20261205005115_Rollups },
  { name: 'Migration20261205042506_ReportChargeDays', class: Migration20261205042506_ReportChargeDays },
  { name: 'Migration20261205191252_LotRemainingCheck', class: Migration20261205191252_LotRemainingCheck },
];

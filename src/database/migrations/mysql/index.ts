import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261128050058 } from './Migration20261128050058';
import { Migration20261128050425 } from './Migration20261128050425';
import { Migration20261128053036 } from './Migration20261128053036';
import { Migration20261128053343 } from './Migration20261128053343';
import { Migration20261128060422 } from './Migration20261128060422';
import { Migration20261204055703_Notifications } from './Migration20261204055703_Notifications';
import { Migration20261204084052_Credits } from './Migration20261204084052_Credits';
import { Migration20261204161513_Invoices } from './Migration20261204161513_Invoices';
import { Migration20261204181020_DailySummaries } from './Migration20261204181020_DailySummaries';
import { Migration20261204212049_Reports } from './Migration20261204212049_Reports';
import { Migration20261204221414_ReportIndexes } from './Migration20261204221414_ReportIndexes';
import { Migration20261204234357_AdminDashboard } from './Migration20261204234357_AdminDashboard';
import { Migration20261205005115_Rollups } from './Migration20261205005115_Rollups';
import { Migration20261205042507_ReportChargeDays } from './Migration20261205042507_ReportChargeDays';
import { Migration20261205191253_LotRemainingCheck } from './Migration20261205191253_LotRemainingCheck';

/** MySQL/MariaDB migrations in order; written by `npm run migration:create`. */
export const MYSQL_MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261128050058', class: Migration20261128050058 },
  { name: 'Migration20261128050425', class: Migration20261128050425 },
  { name: 'Migration20261128053036', class: Migration20261128053036 },
  { name: 'Migration20261128053343', class: Migration20261128053343 },
  { name: 'Migration20261128060422', class: Migration20261128060422 },
  { name: 'Migration20261204055703_Notifications', class: Migration20261204055703_Notifications },
  { name: 'Migration20261204084052_Credits', class: Migration20261204084052_Credits },
  { name: 'Migration20261204161513_Invoices', class: Migration20261204161513_Invoices },
  { name: 'Migration20261204181020_DailySummaries', class: Migration20261204181020_DailySummaries },
  { name: 'Migration20261204212049_Reports', class: Migration20261204212049_Reports },
  { name: 'Migration20261204221414_ReportIndexes', class: Migration20261204221414_ReportIndexes },
  { name: 'Migration20261204234357_AdminDashboard', class: Migration20261204234357_AdminDashboard },
  { name: 'Migration20261205005115_Rollups', class: Migration20261205005115_Rollups },
  { name: 'Migration20261205042507_ReportChargeDays', class: Migration20261205042507_ReportChargeDays },
  { name: 'Migration20261205191253_LotRemainingCheck', class: Migration20261205191253_LotRemainingCheck },
];

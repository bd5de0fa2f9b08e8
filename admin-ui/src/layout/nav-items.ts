import type { MessageKey } from '../i18n/dictionary';

export interface NavItem {
  path: string;
  label: MessageKey;
}

export const NAV_ITEMS: NavItem[] = [
  { path: 'overview', label: 'nav.overview' },
  { path: 'gateways', label: 'nav.gateways' },
  { path: 'orders', label: 'nav.orders' },
  { path: 'customers', label: 'nav.customers' },
  { path: 'credits', label: 'nav.credits' },
  { path: 'alerts', label: 'nav.alerts' },
  { path: 'jobs', label: 'nav.jobs' },
  { path: 'reconciliation', label: 'nav.reconciliation' },
  { path: 'reports', label: 'nav.reports' },
  { path: 'audit-log', label: 'nav.auditLog' },
];

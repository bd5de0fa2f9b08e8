import type { Alert } from './alert.entity';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function presentAlert(a: Alert) {
  return {
    id: a.id,
    object: 'alert' as const,
    scope: a.appId === null ? ('deployment' as const) : ('app' as const),
    rule: a.rule,
    severity: a.severity,
    status: a.status,
    title: a.title,
    detail: a.detail,
    data: a.data,
    opened_at: a.openedAt.toISOString(),
    acknowledged_at: iso(a.acknowledgedAt),
    resolved_at: iso(a.resolvedAt),
    resolved_by: a.resolvedBy,
    updated_at: a.updatedAt.toISOString(),
  };
}

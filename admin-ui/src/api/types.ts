// Shapes of what /admin/api answers: docs/admin.md, and the public objects of api.md through the bridge.

export type Role = 'admin' | 'viewer';

export interface AdminSession {
  object: 'admin_session';
  admin: { id: string; email: string; role: Role };
  csrf_token: string;
  expires_at: string;
}

export interface ListOf<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

export interface AppSummary {
  id: string;
  name: string;
  created_at: string;
}

export interface PaymentMethodDisplay {
  type: string;
  brand?: string | null;
  last4?: string | null;
  exp_month?: number | null;
  exp_year?: number | null;
}

export interface ChargeFailure {
  code: string;
  decline_code?: string | null;
  message?: string | null;
  gateway_code?: string | null;
}

export interface Charge {
  id: string;
  object: 'charge';
  order_id: string;
  status: string;
  amount: number;
  currency: string;
  gateway: string;
  gateway_charge_id: string | null;
  payment_method: PaymentMethodDisplay | null;
  failure: ChargeFailure | null;
  next_action: { type: string } | null;
  processing_ms: number | null;
  created_at: string;
  updated_at: string;
}

export interface GatewayCall {
  operation: string;
  method: string;
  path: string;
  status: number | null;
  duration_ms: number;
  error_class: string | null;
  request_body: string | null;
  response_body: string | null;
  created_at: string;
}

export type ChargeWithCalls = Charge & { gateway_calls: GatewayCall[] };

export interface Order {
  id: string;
  object: 'order';
  status: string;
  amount: number;
  currency: string;
  amount_refunded: number;
  amount_refundable: number;
  description: string | null;
  reference: string | null;
  customer_id: string | null;
  items: { description: string; quantity: number; unit_amount: number }[] | null;
  metadata: Record<string, string>;
  credit_package: string | null;
  gateway: string | null;
  suggested_gateway: string | null;
  latest_charge: Charge | string | null;
  invoice_id: string | null;
  created_at: string;
  updated_at: string;
  paid_at: string | null;
  canceled_at: string | null;
  expires_at: string | null;
}

export interface Refund {
  id: string;
  object: 'refund';
  order_id: string;
  charge_id: string | null;
  amount: number;
  currency: string;
  status: string;
  gateway: string | null;
  gateway_refund_id: string | null;
  reason: string | null;
  failure: ChargeFailure | string | null;
  created_at: string;
}

export interface Customer {
  id: string;
  object: 'customer';
  email: string;
  name: string | null;
  phone: string | null;
  document: { type: string; number: string } | null;
  billing: { invoice_type: string; business_name: string | null; address: string | null; invoice_email: string | null } | null;
  locale?: string;
  metadata: Record<string, string>;
  created_at: string;
}

export interface SavedPaymentMethod {
  id: string;
  object: 'payment_method';
  gateways: string[];
  brand: string | null;
  last4: string | null;
  exp_month: number | null;
  exp_year: number | null;
  is_default: boolean;
  created_at: string;
}

export interface CreditLot {
  id: string;
  kind: string;
  credits: number;
  remaining: number;
  expires_at: string | null;
  order_id: string | null;
  created_at?: string;
}

export interface CreditBalance {
  object: 'credit_balance';
  balance: number;
  lots: CreditLot[];
  auto_renewal: {
    enabled: boolean;
    package: string | null;
    currency: string | null;
    threshold: number | null;
    status: string;
    attempts: number;
    last_failure: string | null;
  } | null;
  low_balance_threshold: number;
}

export interface CreditTransaction {
  id: string;
  type: string;
  credits: number;
  balance_after: number;
  reference: string | null;
  description: string | null;
  order_id: string | null;
  created_at: string;
}

export interface DeliveryAttempt {
  status_code: number | null;
  duration_ms: number | null;
  error: string | null;
  attempted_at: string;
}

export interface OrderActivity {
  object: 'order_activity';
  events: { id: string; type: string; created_at: string; deliveries: { endpoint_id: string; url: string; status: string; attempts: DeliveryAttempt[] }[] }[];
  gateway_webhooks: { id: string; gateway: string; topic: string; status: string; received_at: string }[];
  emails: { id: string; kind: string; to: string; subject: string; status: string; error_code: number | string | null; error_message?: string | null; created_at: string; sent_at: string | null }[];
}

export interface MoneyCount {
  currency: string;
  count: number;
  amount: number;
}

export interface Latency {
  average: number | null;
  p95: number | null;
}

export interface ChargeFigures {
  attempts: number;
  succeeded: number;
  failed: number;
  in_progress: number;
  success_rate: number | null;
}

export interface SummaryFigures {
  charges: ChargeFigures;
  processed: MoneyCount[];
  processing_time_ms: Latency;
  gateways: (ChargeFigures & { gateway: string; conversion: number | null; processed: MoneyCount[]; processing_time_ms: Latency })[];
  payment_methods: (ChargeFigures & { source_type: string; card_brand: string | null })[];
  declines: { code: string; count: number }[];
  errors: { code: string; count: number }[];
  refunds: MoneyCount[];
  credits: {
    packages_sold: { package: string; count: number; currency: string; amount: number }[];
    purchased: number;
    bonus: number;
    granted: number;
    consumed: number;
    expired: number;
    reversed: number;
  };
}

export interface ReportSummary extends SummaryFigures {
  object: 'report_summary';
  from: string;
  to: string;
  currency: string | null;
  gateway: string | null;
  previous_period: SummaryFigures & { from: string; to: string };
}

export interface TimeseriesBucket {
  start: string;
  end: string;
  attempts: number;
  succeeded: number;
  failed: number;
  success_rate: number | null;
  processed: MoneyCount[];
  average_processing_ms: number | null;
  credits: Omit<ReportSummary['credits'], 'packages_sold'>;
}

export interface ReportTimeseries {
  object: 'report_timeseries';
  interval: 'hour' | 'day';
  time_zone: string;
  from: string;
  to: string;
  buckets: TimeseriesBucket[];
}

export interface GatewayState {
  gateway: string;
  circuit: 'closed' | 'open' | 'half_open';
  configured: boolean;
}

export interface Job {
  id: string;
  type: string;
  status: string;
  attempts: number;
  run_at: string | null;
  last_error: string | null;
  created_at: string;
}

export interface JobsAnswer {
  counts: { queued: number; running: number; dead: number };
  data: Job[];
}

export interface AuditEntry {
  id: string;
  admin_id: string;
  admin_email: string;
  action: string;
  method: string;
  path: string;
  app_id: string | null;
  target_id: string | null;
  status: number;
  ip: string | null;
  created_at: string;
}

export interface CreditsOverview {
  low_balances: { customer_id: string; email: string; balance: number; threshold: number }[];
  auto_renewals: { customer_id: string; email: string; package: string | null; currency: string | null; state: string; failures: number; last_error: string | null }[];
}

export interface Alert {
  id: string;
  object: 'alert';
  scope: 'app' | 'deployment';
  rule: string;
  severity: 'critical' | 'warning';
  status: 'open' | 'acknowledged' | 'resolved';
  title: string;
  detail: string;
  opened_at: string;
  acknowledged_at: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
}

export interface ReconciliationEntry {
  gateway: string;
  gateway_charge_id: string | null;
  gateway_amount: number | null;
  gateway_status: string | null;
  charge_id: string | null;
  amount: number | null;
  status: string | null;
}

export interface ReconciliationReport {
  object: 'reconciliation_report';
  from: string;
  to: string;
  matched: number;
  missing_locally: ReconciliationEntry[];
  missing_at_gateway: ReconciliationEntry[];
  amount_mismatches: ReconciliationEntry[];
  status_mismatches: ReconciliationEntry[];
}

export interface ReconciliationRun {
  id: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  checked?: number;
  updated?: number;
  discrepancies?: string[];
  error?: string | null;
}

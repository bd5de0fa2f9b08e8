import { failure, PM_ERRORS, type PmFailure } from './postmark-errors';
import type { StoredMessage } from './postmark-store';

/** The postmark client's `OutboundMessage` (GET /messages/outbound). */
export function outboundMessageJson(m: StoredMessage): Record<string, unknown> {
  return {
    Tag: m.Tag,
    MessageID: m.MessageID,
    To: m.to.map((r) => ({ ...r })),
    Cc: m.cc.map((r) => ({ ...r })),
    Bcc: m.bcc.map((r) => ({ ...r })),
    Recipients: recipientsOf(m),
    ReceivedAt: m.received_at,
    From: m.From,
    Subject: m.Subject,
    Attachments: m.Attachments.map((a) => a.Name),
    Status: 'Sent',
    TrackOpens: m.TrackOpens,
    TrackLinks: m.TrackLinks,
    Metadata: { ...m.Metadata },
    MessageStream: m.MessageStream,
    Sandboxed: false,
  };
}

/**
 * `OutboundMessageDetails`: adds the bodies and the events so far. `Body` is the raw MIME source at
 * Postmark; the simulator builds no MIME and gives the HTML (else the text) body instead.
 */
export function outboundDetailsJson(m: StoredMessage): Record<string, unknown> {
  return {
    ...outboundMessageJson(m),
    TextBody: m.TextBody ?? '',
    HtmlBody: m.HtmlBody ?? '',
    Body: m.HtmlBody ?? m.TextBody ?? '',
    MessageEvents: m.events.map((e) => structuredClone(e)),
  };
}

/** What GET {control}/postmark/_messages shows of one message. */
export function controlMessageJson(m: StoredMessage): Record<string, unknown> {
  return {
    MessageID: m.MessageID,
    From: m.From,
    To: m.To,
    Cc: m.Cc,
    Bcc: m.Bcc,
    Subject: m.Subject,
    HtmlBody: m.HtmlBody,
    TextBody: m.TextBody,
    Attachments: m.Attachments.map((a) => ({ ...a })),
    Metadata: { ...m.Metadata },
    Tag: m.Tag,
    MessageStream: m.MessageStream,
    received_at: m.received_at,
  };
}

/** Every recipient address, To then Cc then Bcc, each once (case-insensitive). */
export function recipientsOf(m: StoredMessage): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const r of [...m.to, ...m.cc, ...m.bcc]) {
    const key = r.Email.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(r.Email);
  }
  return out;
}

function integerParam(value: string | null): number | null {
  return value !== null && /^\d{1,9}$/.test(value) ? Number(value) : null;
}

/** A date-only `todate` includes that whole day. */
function dateBound(value: string, end: boolean): number {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const ms = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
  return dateOnly && end ? ms + 86_400_000 - 1 : ms;
}

/**
 * GET /messages/outbound: count (1–500) and offset are required; filters recipient, fromemail, tag, subject,
 * status, messagestream, fromdate/todate and one `metadata_<key>=<value>` (Postmark's metadata FAQ: one
 * metadata field per search). Parameter names are matched without case, as the client sends `fromEmail`.
 * [unconfirmed] The ErrorCode of a bad query; 300 is the simulator's choice.
 */
export function searchOutbound(messages: StoredMessage[], query: URLSearchParams): { TotalCount: number; Messages: Record<string, unknown>[] } | PmFailure {
  const params = new Map<string, string>();
  const metadata: [string, string][] = [];
  for (const [key, value] of query) {
    const lower = key.toLowerCase();
    if (lower.startsWith('metadata_')) metadata.push([key.slice('metadata_'.length).toLowerCase(), value]);
    else params.set(lower, value);
  }
  const count = integerParam(params.get('count') ?? null);
  const offset = integerParam(params.get('offset') ?? null);
  if (count === null || count < 1 || count > 500 || offset === null) {
    return failure(PM_ERRORS.invalidEmailRequest, "Query parameters 'count' (1 to 500) and 'offset' (0 or more) are required.");
  }
  if (metadata.length > 1) return failure(PM_ERRORS.invalidEmailRequest, 'Only one metadata_<key> filter can be used per search.');
  const recipient = params.get('recipient')?.toLowerCase();
  const fromEmail = params.get('fromemail')?.toLowerCase();
  const tag = params.get('tag');
  const subject = params.get('subject')?.toLowerCase();
  const status = params.get('status')?.toLowerCase();
  const stream = params.get('messagestream');
  const fromDate = params.get('fromdate');
  const toDate = params.get('todate');
  const matches = messages.filter((m) => {
    if (recipient !== undefined && !recipientsOf(m).some((r) => r.toLowerCase() === recipient)) return false;
    if (fromEmail !== undefined && m.from.Email.toLowerCase() !== fromEmail) return false;
    if (tag !== undefined && m.Tag !== tag) return false;
    if (subject !== undefined && !m.Subject.toLowerCase().includes(subject)) return false;
    // Every stored message has been handed over ("Sent"); none stays queued in the simulator.
    if (status !== undefined && status !== 'sent') return false;
    if (stream !== undefined && m.MessageStream !== stream) return false;
    if (fromDate !== undefined && Date.parse(m.received_at) < dateBound(fromDate, false)) return false;
    if (toDate !== undefined && Date.parse(m.received_at) > dateBound(toDate, true)) return false;
    return metadata.every(([key, value]) => Object.entries(m.Metadata).some(([k, v]) => k.toLowerCase() === key && v === value));
  });
  return { TotalCount: matches.length, Messages: matches.slice(offset, offset + count).map(outboundMessageJson) };
}

import { Collection } from '../collection';
import type { Mailbox } from './postmark-addresses';

export interface PmHeader {
  Name: string;
  Value: string;
}

export interface PmAttachment {
  Name: string;
  /** base64, as sent (tests decode it to check an attached invoice). */
  Content: string;
  ContentType: string;
  ContentID: string | null;
  /** Decoded size in bytes. */
  ContentLength: number;
}

/** A message that passed validation: the request's strings as sent, plus the parsed addresses. */
export interface OutgoingMessage {
  From: string;
  To: string;
  Cc: string;
  Bcc: string;
  ReplyTo: string;
  from: Mailbox;
  to: Mailbox[];
  cc: Mailbox[];
  bcc: Mailbox[];
  Subject: string;
  HtmlBody: string | null;
  TextBody: string | null;
  Tag: string;
  Headers: PmHeader[];
  Attachments: PmAttachment[];
  Metadata: Record<string, string>;
  MessageStream: string;
  TrackOpens: boolean;
  TrackLinks: string;
}

/** One entry of a message's history (`MessageEvents` in the details answer). */
export interface PmMessageEvent {
  Recipient: string;
  Type: 'Delivered' | 'Bounced' | 'SpamComplaint';
  ReceivedAt: string;
  Details: Record<string, unknown>;
}

export interface StoredMessage extends OutgoingMessage {
  MessageID: string;
  received_at: string;
  events: PmMessageEvent[];
}

export interface StoredTemplate {
  TemplateId: number;
  Name: string;
  Alias: string | null;
  Subject: string;
  HtmlBody: string | null;
  TextBody: string | null;
}

export type InactiveReason = 'HardBounce' | 'SpamComplaint' | 'ManualSuppression';

/** An address Postmark refuses with 406 (the suppression list). */
export interface InactiveEntry {
  email: string;
  reason: InactiveReason;
  can_activate: boolean;
  created_at: string;
}

/** Everything the Postmark simulator holds, in memory, for its lifetime. */
export class PostmarkStore {
  messages = new Collection<StoredMessage>((m) => m.MessageID);
  readonly templates = new Collection<StoredTemplate>((t) => String(t.TemplateId));
  private readonly inactive = new Map<string, InactiveEntry>();
  /** Addresses inactive by their name (`inactive@…`) that a test reactivated. */
  private readonly reactivated = new Set<string>();
  private nextTemplateId = 40_000_000 + Math.floor(Math.random() * 1_000_000);
  private nextBounceId = 4_000_000_000 + Math.floor(Math.random() * 1_000_000);

  clearMessages(): void {
    this.messages = new Collection<StoredMessage>((m) => m.MessageID);
  }

  templateId(): number {
    return this.nextTemplateId++;
  }

  bounceId(): number {
    return this.nextBounceId++;
  }

  templateByIdOrAlias(idOrAlias: string): StoredTemplate | undefined {
    if (/^\d+$/.test(idOrAlias)) return this.templates.get(idOrAlias);
    const alias = idOrAlias.toLowerCase();
    return this.templates.all().find((t) => t.Alias?.toLowerCase() === alias);
  }

  /** Explicit entries, or an address inactive by its name that was not reactivated. */
  isInactive(email: string, byName: boolean): boolean {
    const key = email.toLowerCase();
    return this.inactive.has(key) || (byName && !this.reactivated.has(key));
  }

  deactivate(email: string, reason: InactiveReason, canActivate: boolean, at: string): InactiveEntry {
    const key = email.toLowerCase();
    const entry: InactiveEntry = { email: key, reason, can_activate: canActivate, created_at: at };
    this.inactive.set(key, entry);
    this.reactivated.delete(key);
    return entry;
  }

  /** True when the address was listed (or inactive by its name) and is active now. */
  reactivate(email: string, byName: boolean): boolean {
    const key = email.toLowerCase();
    const wasInactive = this.isInactive(key, byName);
    this.inactive.delete(key);
    if (byName) this.reactivated.add(key);
    return wasInactive;
  }

  /** Listed addresses, newest first (addresses inactive by name alone are a pattern, not entries). */
  inactiveList(): InactiveEntry[] {
    return [...this.inactive.values()].reverse().map((e) => ({ ...e }));
  }
}

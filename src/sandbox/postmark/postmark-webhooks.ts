import type { StoredMessage } from './postmark-store';

/**
 * Outbound webhook payloads (postmark.md A2; field names from the postmark client's `DeliveryWebhook`,
 * `BounceWebhook` and `SpamComplaintWebhook`). Every one carries the message's Metadata, MessageStream, Tag,
 * MessageID and the server's ServerID, so a receiver can match it to what it sent.
 */

export interface WebhookContext {
  serverId: number;
  /** ISO time of the event. */
  at: string;
}

export type BounceKind = 'HardBounce' | 'SoftBounce';

const BOUNCES: Record<BounceKind, { TypeCode: number; Name: string; Description: string; Details: string; Inactive: boolean }> = {
  HardBounce: {
    TypeCode: 1,
    Name: 'Hard bounce',
    Description: 'The server was unable to deliver your message (ex: unknown user, mailbox not found).',
    Details: 'smtp;550 5.1.1 The email account that you tried to reach does not exist.',
    Inactive: true,
  },
  SoftBounce: {
    TypeCode: 4096,
    Name: 'Soft bounce/Undeliverable',
    Description: 'Unable to temporarily deliver this email.',
    Details: 'smtp;452 4.2.2 The email account that you tried to reach is over quota.',
    Inactive: false,
  },
};

export const DELIVERY_DETAILS = 'smtp;250 2.0.0 OK';

export function deliveryPayload(m: StoredMessage, recipient: string, ctx: WebhookContext): Record<string, unknown> {
  return {
    RecordType: 'Delivery',
    ServerID: ctx.serverId,
    MessageStream: m.MessageStream,
    MessageID: m.MessageID,
    Recipient: recipient,
    Tag: m.Tag,
    DeliveredAt: ctx.at,
    Details: DELIVERY_DETAILS,
    Metadata: { ...m.Metadata },
  };
}

/** Fields Bounce and SpamComplaint share (the SDK's `Bounce` shape). */
function bounceLike(m: StoredMessage, recipient: string, id: number, ctx: WebhookContext): Record<string, unknown> {
  return {
    ID: id,
    Tag: m.Tag,
    MessageID: m.MessageID,
    ServerID: ctx.serverId,
    MessageStream: m.MessageStream,
    Email: recipient,
    From: m.from.Email,
    BouncedAt: ctx.at,
    DumpAvailable: false,
    Subject: m.Subject,
    Metadata: { ...m.Metadata },
  };
}

/** A hard bounce deactivates the address (406 from now on) but may be reactivated; a soft one does not. */
export function bouncePayload(m: StoredMessage, recipient: string, kind: BounceKind, id: number, ctx: WebhookContext): Record<string, unknown> {
  const b = BOUNCES[kind];
  return {
    RecordType: 'Bounce',
    Type: kind,
    TypeCode: b.TypeCode,
    Name: b.Name,
    Description: b.Description,
    Details: b.Details,
    Inactive: b.Inactive,
    CanActivate: true,
    ...bounceLike(m, recipient, id, ctx),
  };
}

/** The recipient marked the message as spam: inactive, and only Postmark support can reactivate it. */
export function spamComplaintPayload(m: StoredMessage, recipient: string, id: number, ctx: WebhookContext): Record<string, unknown> {
  return {
    RecordType: 'SpamComplaint',
    Type: 'SpamComplaint',
    TypeCode: 512,
    Name: 'Spam complaint',
    Description: 'The subscriber explicitly marked this email as spam.',
    Details: 'Test spam complaint details',
    Inactive: true,
    CanActivate: false,
    ...bounceLike(m, recipient, id, ctx),
  };
}

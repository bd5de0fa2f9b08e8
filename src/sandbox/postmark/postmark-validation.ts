import { asRecord, type JsonRecord } from '../json-input';
import { parseAddressList, type Mailbox } from './postmark-addresses';
import { failure, isFailure, PM_ERRORS, type PmFailure } from './postmark-errors';
import type { OutgoingMessage, PmAttachment, PmHeader } from './postmark-store';

/** Limits of postmark.md A1 ("Attachments"): measured on the JSON, base64 included. */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
export const MAX_BODY_PART_BYTES = 5 * 1024 * 1024;
export const MAX_RECIPIENTS = 50;
const MAX_TAG_LENGTH = 1000;
const TRACK_LINKS = ['None', 'HtmlAndText', 'HtmlOnly', 'TextOnly'];
/** [unconfirmed] postmark.md: leaving MessageStream out is believed to mean the default transactional stream. */
const DEFAULT_STREAM = 'outbound';

/**
 * Postmark allows attachments by a whitelist that postmark.md does not reproduce (A1, 411); the simulator
 * refuses the executable and script types every such whitelist leaves out.
 */
const FORBIDDEN_EXTENSIONS = new Set([
  'exe', 'bat', 'cmd', 'com', 'cpl', 'scr', 'pif', 'msi', 'msp', 'mst', 'msc', 'vbs', 'vbe', 'vba', 'js', 'jse',
  'wsf', 'wsh', 'wsl', 'hta', 'chm', 'hlp', 'inf', 'ins', 'isp', 'lnk', 'reg', 'sct', 'shs', 'ps1', 'jar', 'bin', 'crt', 'mdb', 'pcd',
]);
/** `type/subtype` with a registered top-level type and RFC 6838 name characters; parameters may follow. */
const MIME_TYPE = /^(application|audio|font|image|message|model|multipart|text|video)\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}(\s*;.*)?$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const invalid = (message: string): PmFailure => failure(PM_ERRORS.invalidEmailRequest, message);

function present(body: JsonRecord, key: string): boolean {
  return body[key] !== undefined && body[key] !== null;
}

/** An optional string field: '' when absent, a failure when it is another JSON type. */
function optionalString(body: JsonRecord, key: string): string | PmFailure {
  if (!present(body, key)) return '';
  const value = body[key];
  return typeof value === 'string' ? value : invalid(`'${key}' must be a string.`);
}

function addresses(body: JsonRecord, key: string): Mailbox[] | PmFailure {
  const text = optionalString(body, key);
  if (typeof text !== 'string') return text;
  const parsed = parseAddressList(key, text);
  return typeof parsed === 'string' ? invalid(parsed) : parsed;
}

function readMetadata(body: JsonRecord): Record<string, string> | PmFailure {
  if (!present(body, 'Metadata')) return {};
  const metadata = asRecord(body.Metadata);
  if (!metadata) return invalid("'Metadata' must be a flat JSON object of string values.");
  const seen = new Set<string>();
  for (const [key, value] of Object.entries(metadata)) {
    if (key.trim() === '') return invalid("'Metadata' keys must not be empty.");
    if (typeof value !== 'string') return invalid(`'Metadata' must be a flat JSON object of string values; '${key}' is not a string.`);
    // Postmark's metadata FAQ: the same key twice, differing only in case, is not allowed.
    if (seen.has(key.toLowerCase())) return invalid(`'Metadata' has the key '${key}' twice (keys are compared without case).`);
    seen.add(key.toLowerCase());
  }
  return { ...(metadata as Record<string, string>) };
}

function readHeaders(body: JsonRecord): PmHeader[] | PmFailure {
  if (!present(body, 'Headers')) return [];
  if (!Array.isArray(body.Headers)) return invalid("'Headers' must be an array of { Name, Value }.");
  const out: PmHeader[] = [];
  for (const item of body.Headers as unknown[]) {
    const h = asRecord(item);
    if (!h || typeof h.Name !== 'string' || h.Name.trim() === '' || typeof h.Value !== 'string') return invalid("Each of 'Headers' needs a non-empty string 'Name' and a string 'Value'.");
    out.push({ Name: h.Name, Value: h.Value });
  }
  return out;
}

function readAttachment(item: unknown, index: number): PmAttachment | PmFailure {
  const a = asRecord(item);
  const where = `Attachment ${index + 1}`;
  if (!a) return invalid(`${where} must be an object { Name, Content, ContentType, ContentID? }.`);
  if (typeof a.Name !== 'string' || a.Name.trim() === '') return invalid(`${where}: 'Name' is required.`);
  if (typeof a.Content !== 'string') return invalid(`${where} ('${a.Name}'): 'Content' is required, base64-encoded.`);
  const content = a.Content.replace(/\r?\n/g, '');
  if (!BASE64.test(content)) return invalid(`${where} ('${a.Name}'): 'Content' is not valid base64.`);
  if (typeof a.ContentType !== 'string' || !MIME_TYPE.test(a.ContentType.trim())) {
    return invalid(`${where} ('${a.Name}'): 'ContentType' must be a valid MIME type such as application/pdf.`);
  }
  const contentId = a.ContentID ?? null;
  if (contentId !== null && (typeof contentId !== 'string' || !/^[\x21-\x7e]+$/.test(contentId))) {
    return invalid(`${where} ('${a.Name}'): 'ContentID' may contain ASCII characters only, without spaces.`);
  }
  const extension = /\.([^.]+)$/.exec(a.Name.trim())?.[1]?.toLowerCase();
  if (extension && FORBIDDEN_EXTENSIONS.has(extension)) {
    return failure(PM_ERRORS.forbiddenAttachment, `Forbidden attachment type: '${a.Name}'. Files of type .${extension} may not be attached.`);
  }
  return { Name: a.Name, Content: a.Content, ContentType: a.ContentType.trim(), ContentID: contentId, ContentLength: Buffer.from(content, 'base64').length };
}

function readAttachments(body: JsonRecord): PmAttachment[] | PmFailure {
  if (!present(body, 'Attachments')) return [];
  if (!Array.isArray(body.Attachments)) return invalid("'Attachments' must be an array.");
  const out: PmAttachment[] = [];
  for (const [i, item] of (body.Attachments as unknown[]).entries()) {
    const attachment = readAttachment(item, i);
    if (isFailure(attachment)) return attachment;
    out.push(attachment);
  }
  return out;
}

function readBodies(body: JsonRecord): { html: string | null; text: string | null } | PmFailure {
  const html = optionalString(body, 'HtmlBody');
  if (typeof html !== 'string') return html;
  const text = optionalString(body, 'TextBody');
  if (typeof text !== 'string') return text;
  if (html === '' && text === '') return invalid('Provide either email TextBody or HtmlBody or both.');
  for (const [key, value] of [['HtmlBody', html], ['TextBody', text]] as const) {
    if (Buffer.byteLength(value) > MAX_BODY_PART_BYTES) return invalid(`'${key}' is larger than 5 MB.`);
  }
  return { html: html === '' ? null : html, text: text === '' ? null : text };
}

/**
 * One message as POST /email takes it (postmark.md A1). 413 for a message over 10 MB, 411 for a forbidden
 * attachment, 300 with a message naming the field for anything else. Messages are the simulator's own,
 * modelled on Postmark's support articles.
 */
export function validateMessage(input: unknown): OutgoingMessage | PmFailure {
  const body = asRecord(input);
  if (!body) return failure(PM_ERRORS.incompatibleJson, 'Incompatible JSON: a message must be a JSON object.');
  if (Buffer.byteLength(JSON.stringify(body)) > MAX_MESSAGE_BYTES) {
    return failure(PM_ERRORS.invalidEmailRequest, 'The message is larger than 10 MB (attachments counted after base64 encoding).', 413);
  }
  if (!present(body, 'From') || body.From === '') return invalid("Invalid 'From' address: the 'From' field is required.");
  const fromList = addresses(body, 'From');
  if (isFailure(fromList)) return fromList;
  const from = fromList[0];
  if (!from || fromList.length !== 1) return invalid("Invalid 'From' address: give exactly one sender address.");
  const to = addresses(body, 'To');
  if (isFailure(to)) return to;
  if (to.length === 0) return invalid("Zero recipients specified: the 'To' field is required.");
  const cc = addresses(body, 'Cc');
  if (isFailure(cc)) return cc;
  const bcc = addresses(body, 'Bcc');
  if (isFailure(bcc)) return bcc;
  const total = to.length + cc.length + bcc.length;
  if (total > MAX_RECIPIENTS) return invalid(`Maximum of ${MAX_RECIPIENTS} recipients allowed per email message (To, Cc and Bcc together); this one has ${total}.`);
  const replyTo = addresses(body, 'ReplyTo');
  if (isFailure(replyTo)) return replyTo;
  const strings: Record<string, string> = {};
  for (const key of ['Subject', 'Tag', 'MessageStream', 'TrackLinks']) {
    const value = optionalString(body, key);
    if (isFailure(value)) return value;
    strings[key] = value;
  }
  if ((strings.Tag ?? '').length > MAX_TAG_LENGTH) return invalid(`'Tag' may have at most ${MAX_TAG_LENGTH} characters.`);
  const trackLinks = strings.TrackLinks || 'None';
  if (!TRACK_LINKS.includes(trackLinks)) return invalid(`'TrackLinks' must be one of ${TRACK_LINKS.join(', ')}.`);
  if (present(body, 'TrackOpens') && typeof body.TrackOpens !== 'boolean') return invalid("'TrackOpens' must be true or false.");
  const bodies = readBodies(body);
  if (isFailure(bodies)) return bodies;
  const metadata = readMetadata(body);
  if (isFailure(metadata)) return metadata;
  const headers = readHeaders(body);
  if (isFailure(headers)) return headers;
  const attachments = readAttachments(body);
  if (isFailure(attachments)) return attachments;
  return {
    From: body.From as string,
    To: body.To as string,
    Cc: (body.Cc as string | undefined | null) ?? '',
    Bcc: (body.Bcc as string | undefined | null) ?? '',
    ReplyTo: (body.ReplyTo as string | undefined | null) ?? '',
    from,
    to,
    cc,
    bcc,
    Subject: strings.Subject ?? '',
    HtmlBody: bodies.html,
    TextBody: bodies.text,
    Tag: strings.Tag ?? '',
    Headers: headers,
    Attachments: attachments,
    Metadata: metadata,
    MessageStream: strings.MessageStream || DEFAULT_STREAM,
    TrackOpens: body.TrackOpens === true,
    TrackLinks: trackLinks,
  };
}

import { asRecord, type JsonRecord } from '../json-input';
import { failure, PM_ERRORS, type PmFailure } from './postmark-errors';
import type { PostmarkStore, StoredTemplate } from './postmark-store';

/**
 * Templates in miniature: enough for `/email/withTemplate` to have something to render. Postmark's engine
 * (Mustachio) also has sections and loops; the simulator renders only `{{key}}`, `{{a.b}}` and the unescaped
 * `{{{key}}}` / `{{& key}}`, and leaves any other tag as written.
 */
const PLACEHOLDER = /\{\{\{\s*([\w.$-]+)\s*\}\}\}|\{\{\s*(&\s*)?([\w.$-]+)\s*\}\}/g;
/** [unconfirmed] Postmark's alias rule, as remembered: a letter first, then letters, digits, `.`, `-`, `_`. */
const ALIAS = /^[a-z][a-z0-9._-]*$/i;

function lookup(model: JsonRecord, path: string): unknown {
  let value: unknown = model;
  for (const key of path.split('.')) {
    const record = asRecord(value);
    if (!record) return undefined;
    value = record[key];
  }
  return value;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Missing values and objects render empty, as Mustachio renders a missing key. */
export function renderTemplate(text: string, model: JsonRecord, html: boolean): string {
  return text.replace(PLACEHOLDER, (_all, raw: string | undefined, amp: string | undefined, key: string | undefined) => {
    const value = lookup(model, (raw ?? key) as string);
    const shown = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
    return html && raw === undefined && amp === undefined ? escapeHtml(shown) : shown;
  });
}

const invalidTemplate = (message: string): PmFailure => failure(PM_ERRORS.invalidTemplate, message);

/** POST /templates `{ Name, Alias?, Subject, HtmlBody?, TextBody? }` → the stored template. */
export function createTemplate(store: PostmarkStore, input: unknown): StoredTemplate | PmFailure {
  const body = asRecord(input);
  if (!body) return failure(PM_ERRORS.incompatibleJson, 'Incompatible JSON: a template must be a JSON object.');
  const { Name: name, Alias: alias, Subject: subject } = body;
  const html = body.HtmlBody ?? null;
  const text = body.TextBody ?? null;
  if (typeof name !== 'string' || name.trim() === '') return invalidTemplate("'Name' is required.");
  if (typeof subject !== 'string' || subject.trim() === '') return invalidTemplate("'Subject' is required.");
  if ((html !== null && typeof html !== 'string') || (text !== null && typeof text !== 'string')) return invalidTemplate("'HtmlBody' and 'TextBody' must be strings.");
  if (!html && !text) return invalidTemplate("Provide 'HtmlBody' or 'TextBody' or both.");
  if (alias !== undefined && alias !== null) {
    if (typeof alias !== 'string' || !ALIAS.test(alias)) return invalidTemplate("'Alias' must start with a letter and contain only letters, digits, '.', '-' and '_'.");
    if (store.templateByIdOrAlias(alias)) return invalidTemplate(`A template with the alias '${alias}' already exists.`);
  }
  return store.templates.add({
    TemplateId: store.templateId(),
    Name: name,
    Alias: typeof alias === 'string' ? alias : null,
    Subject: subject,
    HtmlBody: html || null,
    TextBody: text || null,
  });
}

/** The Template object of GET /templates/{idOrAlias} (postmark client's `Template`). */
export function templateJson(t: StoredTemplate, serverId: number): Record<string, unknown> {
  return { TemplateType: 'Standard', Name: t.Name, TemplateId: t.TemplateId, Alias: t.Alias, Subject: t.Subject, HtmlBody: t.HtmlBody, TextBody: t.TextBody, Active: true, AssociatedServerId: serverId, LayoutTemplate: null };
}

export function templateNotFound(idOrAlias: string): PmFailure {
  return failure(PM_ERRORS.templateNotFound, `The template '${idOrAlias}' was not found on this server.`);
}

/**
 * A templated message turned into a plain one: the template is found by TemplateId or TemplateAlias and
 * rendered with TemplateModel into Subject, HtmlBody and TextBody (which replace any the caller sent).
 */
export function renderTemplatedMessage(store: PostmarkStore, input: unknown): JsonRecord | PmFailure {
  const body = asRecord(input);
  if (!body) return failure(PM_ERRORS.incompatibleJson, 'Incompatible JSON: a message must be a JSON object.');
  const { TemplateId: id, TemplateAlias: alias, TemplateModel: model, InlineCss: _inlineCss, ...message } = body;
  const hasId = id !== undefined && id !== null;
  const hasAlias = alias !== undefined && alias !== null;
  if (hasId === hasAlias) return failure(PM_ERRORS.invalidEmailRequest, "Provide exactly one of 'TemplateId' and 'TemplateAlias'.");
  if (hasId && !(typeof id === 'number' && Number.isSafeInteger(id)) && !(typeof id === 'string' && /^\d+$/.test(id))) {
    return failure(PM_ERRORS.invalidEmailRequest, "'TemplateId' must be an integer.");
  }
  if (hasAlias && typeof alias !== 'string') return failure(PM_ERRORS.invalidEmailRequest, "'TemplateAlias' must be a string.");
  const modelRecord = asRecord(model);
  if (!modelRecord) return failure(PM_ERRORS.invalidEmailRequest, "'TemplateModel' is required and must be a JSON object.");
  const key = String(hasId ? id : alias);
  const template = store.templateByIdOrAlias(key);
  if (!template) return templateNotFound(key);
  return {
    ...message,
    Subject: renderTemplate(template.Subject, modelRecord, false),
    HtmlBody: template.HtmlBody === null ? null : renderTemplate(template.HtmlBody, modelRecord, true),
    TextBody: template.TextBody === null ? null : renderTemplate(template.TextBody, modelRecord, false),
  };
}

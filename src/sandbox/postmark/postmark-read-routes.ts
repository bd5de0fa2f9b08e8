import type { SimRouter } from '../sim-router';
import { json } from '../sim-types';
import type { PostmarkContext } from './postmark-context';
import { failureResponse, isFailure, PM_ERRORS, pmError } from './postmark-errors';
import { outboundDetailsJson, searchOutbound } from './postmark-outbound';
import { createTemplate, templateJson, templateNotFound } from './postmark-templates';

/** The minimal templates API (create, get) and the outbound Messages API (search, details). */
export function registerReadRoutes(router: SimRouter, ctx: PostmarkContext): void {
  router.add('POST', '/templates', (req) => {
    const template = createTemplate(ctx.store, req.body);
    if (isFailure(template)) return failureResponse(template);
    return json(200, { TemplateId: template.TemplateId, Name: template.Name, Alias: template.Alias, Active: true, TemplateType: 'Standard' });
  });

  router.add('GET', '/templates/:idOrAlias', (req) => {
    const key = req.params.idOrAlias ?? '';
    const template = ctx.store.templateByIdOrAlias(key);
    return template ? json(200, templateJson(template, ctx.serverId)) : failureResponse(templateNotFound(key));
  });

  router.add('GET', '/messages/outbound', (req) => {
    const result = searchOutbound(ctx.store.messages.newestFirst(), req.query);
    return isFailure(result) ? failureResponse(result) : json(200, result);
  });

  router.add('GET', '/messages/outbound/:id/details', (req) => {
    const message = ctx.store.messages.get(req.params.id ?? '');
    if (!message) return pmError(422, PM_ERRORS.messageNotFound, `This message was not found: ${req.params.id ?? ''}.`);
    return json(200, outboundDetailsJson(message));
  });
}

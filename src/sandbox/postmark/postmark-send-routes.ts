import { asRecord } from '../json-input';
import type { SimRouter } from '../sim-router';
import { json, type SimRequest, type SimResponse } from '../sim-types';
import { isTestToken, type PostmarkContext } from './postmark-context';
import { failureResponse, isFailure, PM_ERRORS, pmError, type PmFailure } from './postmark-errors';
import { renderTemplatedMessage } from './postmark-templates';
import { inactiveByName, inactiveRecipients, senderProblem } from './postmark-test-addresses';
import { validateMessage } from './postmark-validation';

const MAX_BATCH_MESSAGES = 500;
/** [unconfirmed] What the test token answers, as remembered; postmark.md only says it validates and delivers nothing. */
const TEST_MESSAGE_ID = '00000000-0000-0000-0000-000000000000';
const TEST_MESSAGE = 'Test job accepted';

type SendResult = Record<string, unknown> | PmFailure;

/** One message, plain or templated, through validation, the sender and suppression checks, and hand-over. */
function sendOne(ctx: PostmarkContext, input: unknown, testToken: boolean, templated: boolean): SendResult {
  const candidate = templated ? renderTemplatedMessage(ctx.store, input) : input;
  if (isFailure(candidate)) return candidate;
  const message = validateMessage(candidate);
  if (isFailure(message)) return message;
  if (testToken) {
    // The test token has no server behind it: no sender signatures, no suppression list, nothing delivered.
    return { To: message.To, SubmittedAt: new Date(ctx.now()).toISOString(), MessageID: TEST_MESSAGE_ID, ErrorCode: 0, Message: TEST_MESSAGE };
  }
  const sender = senderProblem(message.from.Email);
  if (sender) return sender;
  // [unconfirmed] Whether Postmark still sends to the active recipients of a mixed list; the simulator
  // refuses the whole message, the conservative reading of "406 inactive recipient".
  const recipients = [...message.to, ...message.cc, ...message.bcc].map((r) => r.Email);
  const inactive = recipients.filter((r) => ctx.store.isInactive(r, inactiveByName(r)));
  if (inactive.length > 0) return inactiveRecipients(inactive);
  const stored = ctx.accept(message);
  return { To: message.To, SubmittedAt: stored.received_at, MessageID: stored.MessageID, ErrorCode: 0, Message: 'OK' };
}

function single(ctx: PostmarkContext, req: SimRequest, templated: boolean): SimResponse {
  const result = sendOne(ctx, req.body, isTestToken(req), templated);
  return isFailure(result) ? failureResponse(result) : json(200, result);
}

/** A batch answers 200 with one result per message, in order; a bad item fails alone (postmark.md A1). */
function batch(ctx: PostmarkContext, req: SimRequest, items: unknown[], templated: boolean): SimResponse {
  if (items.length > MAX_BATCH_MESSAGES) {
    return pmError(422, PM_ERRORS.tooManyBatchMessages, `Too many batch messages: ${items.length} given, at most ${MAX_BATCH_MESSAGES} are allowed per request.`);
  }
  const testToken = isTestToken(req);
  return json(
    200,
    items.map((item) => {
      const result = sendOne(ctx, item, testToken, templated);
      return isFailure(result) ? { ErrorCode: result.ErrorCode, Message: result.Message } : result;
    }),
  );
}

/** POST /email, /email/batch, /email/withTemplate, /email/batchWithTemplates. */
export function registerSendRoutes(router: SimRouter, ctx: PostmarkContext): void {
  router.add('POST', '/email', (req) => single(ctx, req, false));
  router.add('POST', '/email/withTemplate', (req) => single(ctx, req, true));
  router.add('POST', '/email/batch', (req) => {
    if (!Array.isArray(req.body)) return pmError(422, PM_ERRORS.incompatibleJson, 'Incompatible JSON: /email/batch takes a JSON array of messages.');
    return batch(ctx, req, req.body as unknown[], false);
  });
  router.add('POST', '/email/batchWithTemplates', (req) => {
    const messages = asRecord(req.body)?.Messages;
    if (!Array.isArray(messages)) return pmError(422, PM_ERRORS.incompatibleJson, 'Incompatible JSON: /email/batchWithTemplates takes { "Messages": [ … ] }.');
    return batch(ctx, req, messages as unknown[], true);
  });
}

import type { SimResponse } from '../sim-types';
import { CULQI_DECLINE_MESSAGES, type CulqiDeclineCode } from './culqi-test-cards';

/** Culqi's error envelope (culqi.md §6.1–6.3): `{ object: "error", type, code?, merchant_message, … }`. */
export class CulqiErrors {
  constructor(private readonly parameterErrorStatus: number) {}

  invalidRequest(message = 'La solicitud no es válida. Verifica que el Content-Type sea application/json y que el cuerpo sea un JSON válido.'): SimResponse {
    return { status: 400, body: { object: 'error', type: 'invalid_request_error', merchant_message: message } };
  }

  authentication(): SimResponse {
    return {
      status: 401,
      body: {
        object: 'error',
        type: 'authentication_error',
        code: 'invalid_key',
        merchant_message: 'Código de comercio inválido. Verifica que estés usando la llave correcta; encuéntralas en el panel de Culqi (Desarrollo › API Keys).',
      },
    };
  }

  /** An invalid parameter; `code` follows the documented `invalid_<param>` pattern (invalid_amount). */
  parameter(param: string, merchantMessage: string, code = `invalid_${param}`): SimResponse {
    return {
      status: this.parameterErrorStatus,
      body: { object: 'error', type: 'parameter_error', code, merchant_message: merchantMessage, user_message: merchantMessage, param },
    };
  }

  /** A used, expired or unknown token (culqi.md §4.1): parameter_error on `source_id` (or `token_id` for cards). */
  unusableToken(param: 'source_id' | 'token_id', detail: string): SimResponse {
    return this.parameter(param, `${detail} Los tokens expiran 5 minutos después de su creación y solo pueden usarse una vez.`, `invalid_${param}`);
  }

  /** A decline: 402 on charges, 400 on card creation (recorded). */
  card(chargeId: string, declineCode: CulqiDeclineCode, status: 402 | 400): SimResponse {
    const messages = CULQI_DECLINE_MESSAGES[declineCode];
    return {
      status,
      body: {
        object: 'error',
        type: 'card_error',
        charge_id: chargeId,
        code: 'card_declined',
        decline_code: declineCode,
        merchant_message: messages.merchant,
        user_message: messages.user,
      },
    };
  }

  notFound(what: string, id: string): SimResponse {
    return {
      status: 404,
      body: { object: 'error', type: 'resource_error', merchant_message: `No se encontró ${what} con ID ${id}.`, user_message: 'El recurso solicitado no existe.' },
    };
  }

  /** A resource in a state that forbids the operation (double capture…): resource_error per §6.2. */
  badState(message: string): SimResponse {
    return { status: 400, body: { object: 'error', type: 'resource_error', merchant_message: message, user_message: message } };
  }

  routeNotFound(): SimResponse {
    return { status: 404, body: { object: 'error', type: 'resource_error', merchant_message: 'La ruta solicitada no existe.' } };
  }

  methodNotAllowed(): SimResponse {
    return { status: 405, body: { object: 'error', type: 'invalid_request_error', merchant_message: 'Método no permitido para este recurso.' } };
  }

  /** What an injected `http_500` looks like: Culqi's own api_error. */
  server(): SimResponse {
    return { status: 500, body: { object: 'error', type: 'api_error', merchant_message: 'Ocurrió un error en los servidores de Culqi. Inténtalo nuevamente.' } };
  }
}

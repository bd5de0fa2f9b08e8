import type { Request } from 'express';
import type { AuthedCaller } from '../common/auth/api-key.guard';
import type { SignedInAdmin } from './admin-sessions.service';

/**
 * Set by the admin gate, read by the API-key guard and the dashboard's controllers. Symbols, not
 * headers: nothing a client sends can set them.
 */
export const ADMIN_SESSION: unique symbol = Symbol('smartpay.adminSession');
export const ADMIN_BRIDGE: unique symbol = Symbol('smartpay.adminBridge');

export type AdminRequest = Request & { [ADMIN_SESSION]?: SignedInAdmin; [ADMIN_BRIDGE]?: AuthedCaller };

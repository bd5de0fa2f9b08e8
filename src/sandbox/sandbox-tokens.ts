/** The in-process Sandbox (null when SmartPay uses a standalone one through SMARTPAY_SANDBOX_URL). */
export const SANDBOX = Symbol('SANDBOX');
/** The sandbox's GET /v1/sandbox description. */
export const SANDBOX_DESCRIPTION = Symbol('SANDBOX_DESCRIPTION');

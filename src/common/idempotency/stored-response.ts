/**
 * A response to send exactly as stored (an idempotent replay). Thrown by IdempotencyGate and
 * written by the global filter, which is the one place that can set any status and content type.
 */
export class StoredResponse extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super('stored idempotent response');
    this.name = 'StoredResponse';
  }
}

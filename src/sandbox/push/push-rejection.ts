/**
 * A push the simulator refuses, with the status a push service would answer and the reason as its text
 * body. Thrown by the checks so each can stop at the first problem, as the real services do; the simulator
 * records it (control `_rejected`) and answers it.
 */
export class PushRejection extends Error {
  constructor(
    readonly status: number,
    reason: string,
  ) {
    super(reason);
  }
}

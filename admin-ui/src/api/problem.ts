/** An RFC 9457 problem answered by the API (or made up for a failure that is not one), shown to the user as is. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly title: string,
    readonly requestId: string | null,
    /** Seconds from a Retry-After header (lockouts, rate limits). */
    readonly retryAfter: number | null,
    readonly errors: { param: string; message: string }[] = [],
  ) {
    super(detail || title || code);
    this.name = 'ApiProblem';
  }
}

export function retryAfterSeconds(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds));
  const when = Date.parse(header);
  return Number.isNaN(when) ? null : Math.max(0, Math.round((when - Date.now()) / 1000));
}

export async function problemFrom(res: Response): Promise<ApiProblem> {
  const retryAfter = retryAfterSeconds(res.headers.get('Retry-After'));
  const requestId = res.headers.get('X-Request-Id');
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = await res.json();
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // A proxy's HTML error page: fall back to the status line.
  }
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  const errors = Array.isArray(body.errors) ? (body.errors as { param: string; message: string }[]) : [];
  return new ApiProblem(
    res.status,
    str(body.code) || `http_${res.status}`,
    str(body.detail),
    str(body.title) || res.statusText,
    str(body.request_id) || requestId,
    retryAfter,
    errors,
  );
}

export function networkProblem(error: unknown): ApiProblem {
  return new ApiProblem(0, 'network_error', error instanceof Error ? error.message : String(error), 'Network error', null, null);
}

import { AsyncLocalStorage } from 'node:async_hooks';
import { type EntityManager, MikroORM, RequestContext } from '@mikro-orm/core';
import { Injectable, type NestMiddleware } from '@nestjs/common';

/**
 * The request's EntityManager, forked on first use. MikroORM's own middleware forks the EntityManager at the
 * start of every request (a unit of work, an identity map, an entity factory…), yet the hot routes never touch
 * it: consumptions and the job queue speak plain SQL (SqlRunner). MikroORM finds the request's fork through the
 * `context` option (ormOptions), which asks `requestEntityManager` first.
 */
class RequestForks {
  private fork: EntityManager | undefined;
  private forking = false;

  constructor(private readonly root: EntityManager) {}

  get(name: string): EntityManager | undefined {
    // While forking, the root reads its own settings through this context: it answers for itself then.
    if (name !== this.root.name || this.forking) return undefined;
    if (this.fork === undefined) {
      this.forking = true;
      try {
        // As MikroORM's RequestContext forks; context resolution off, so a fork first wanted inside a
        // transaction's context still forks the root, as one made at the request's start did.
        this.fork = this.root.fork({ useContext: true, disableContextResolution: true });
      } finally {
        this.forking = false;
      }
    }
    return this.fork;
  }
}

const requests = new AsyncLocalStorage<RequestForks>();

/** MikroORM's `context` option: the HTTP request's fork, else a context opened with RequestContext.create (CLI, tests). */
export function requestEntityManager(name: string): EntityManager | undefined {
  return requests.getStore()?.get(name) ?? RequestContext.getEntityManager(name);
}

/** Replaces MikroORM's request-context middleware (`registerRequestContext: false` in DatabaseModule). */
@Injectable()
export class RequestContextMiddleware implements NestMiddleware {
  constructor(private readonly orm: MikroORM) {}

  use(_req: unknown, _res: unknown, next: () => void): void {
    requests.run(new RequestForks(this.orm.em), next);
  }
}

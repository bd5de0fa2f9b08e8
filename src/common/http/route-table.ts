import { Injectable } from '@nestjs/common';

interface RouteEntry {
  path: string;
  pattern: RegExp;
  methods: Set<string>;
}

/** One served path (Express syntax, `/v1/orders/:id`) with the methods it answers. */
export interface ServedRoute {
  path: string;
  methods: string[];
}

interface RouterLayer {
  route?: { path?: unknown; methods?: Record<string, boolean> };
}

/**
 * The routes the HTTP server serves, read from the router once the app is initialised, so an
 * unmatched request can be told apart: a known path with another method (405) or no such path (404).
 */
@Injectable()
export class RouteTable {
  private entries: RouteEntry[] = [];

  loadFrom(stack: RouterLayer[]): void {
    const byPath = new Map<string, Set<string>>();
    for (const layer of stack) {
      const path = layer.route?.path;
      // Wildcard paths are Nest's middleware mounts and catch-all handlers, not endpoints.
      if (typeof path !== 'string' || path.includes('*')) continue;
      const methods = byPath.get(path) ?? new Set<string>();
      for (const [method, on] of Object.entries(layer.route?.methods ?? {})) {
        if (on && method !== '_all') methods.add(method.toUpperCase());
      }
      byPath.set(path, methods);
    }
    this.entries = [...byPath].map(([path, methods]) => ({ path, pattern: compile(path), methods }));
  }

  /** Every served path and its methods (the API docs test checks each one is documented). */
  list(): ServedRoute[] {
    return this.entries.map((e) => ({ path: e.path, methods: [...e.methods].sort() }));
  }

  /** The methods allowed on a path, or null when no route has this path. */
  allowedMethods(path: string): string[] | null {
    const allowed = new Set<string>();
    for (const entry of this.entries) {
      if (entry.pattern.test(path)) entry.methods.forEach((m) => allowed.add(m));
    }
    return allowed.size > 0 ? [...allowed].sort() : null;
  }
}

function compile(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

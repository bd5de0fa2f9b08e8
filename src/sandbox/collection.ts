/** An in-memory table in creation order (the simulators list newest first, like both gateways). */
export class Collection<T> {
  private readonly rows: T[] = [];
  private readonly byId = new Map<string, T>();

  constructor(private readonly idOf: (row: T) => string) {}

  add(row: T): T {
    this.rows.push(row);
    this.byId.set(this.idOf(row), row);
    return row;
  }

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  /** Oldest first. */
  all(): T[] {
    return [...this.rows];
  }

  newestFirst(): T[] {
    return [...this.rows].reverse();
  }

  get size(): number {
    return this.rows.length;
  }
}

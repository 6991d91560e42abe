/**
 * An append-only list of events that any number of readers replay from the start, each at its own
 * pace. The producer never waits for readers: the network sets the pace, and snapshots share structure,
 * so keeping them all is cheap.
 */
export class EventLog<E> {
  private readonly events: E[] = [];
  private closed = false;
  private wake: (() => void)[] = [];

  push(event: E): void {
    this.events.push(event);
    this.notify();
  }

  close(): void {
    this.closed = true;
    this.notify();
  }

  async *read(): AsyncGenerator<E, void, undefined> {
    for (let i = 0; ; ) {
      if (i < this.events.length) yield this.events[i++] as E;
      else if (this.closed) return;
      else await new Promise<void>((resolve) => this.wake.push(resolve));
    }
  }

  private notify(): void {
    const waiting = this.wake;
    this.wake = [];
    for (const resolve of waiting) resolve();
  }
}

// One card operation at a time: requests queue in arrival order (a card cannot interleave two APDU flows).
export class OperationQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  /** Highest number of operations that ever ran at once (1 unless the queue is broken; for tests). */
  maxConcurrent = 0;
  private running = 0;

  get pending(): number {
    return this.waiting;
  }

  run<T>(fn: () => Promise<T>): Promise<T> {
    this.waiting++;
    const result = this.tail.then(async () => {
      this.running++;
      this.maxConcurrent = Math.max(this.maxConcurrent, this.running);
      try {
        return await fn();
      } finally {
        this.running--;
        this.waiting--;
      }
    });
    this.tail = result.catch(() => undefined);
    return result;
  }
}

import type { RequestRate } from "./quotas";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A client-side token bucket, the shape of AWS's API quotas: requests wait their turn (first come,
 * first served) instead of being sent to be throttled.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly rate: RequestRate) {
    this.tokens = rate.burst;
    this.refilledAt = performance.now();
  }

  /** Resolves when a request may be sent. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.nextToken());
    this.queue = turn;
    return turn;
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.rate.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.rate.rps);
    this.refilledAt = now;
  }

  private async nextToken(): Promise<void> {
    this.refill();
    while (this.tokens < 1) {
      await sleep(Math.ceil(((1 - this.tokens) / this.rate.rps) * 1000));
      this.refill();
    }
    this.tokens -= 1;
  }
}

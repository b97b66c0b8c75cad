/**
 * Counts login attempts per client address in a sliding one-minute window (in memory: one
 * process; a cluster would move this to PostgreSQL or a shared cache).
 */
export class LoginRateLimiter {
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records an attempt; false when the address is over its budget. */
  allow(address: string): boolean {
    const now = this.now();
    const recent = (this.attempts.get(address) ?? []).filter((at) => now - at < 60_000);
    if (recent.length >= this.perMinute) {
      this.attempts.set(address, recent);
      return false;
    }
    recent.push(now);
    this.attempts.set(address, recent);
    if (this.attempts.size > 10_000) {
      for (const [key, times] of this.attempts) if (times.every((at) => now - at >= 60_000)) this.attempts.delete(key);
    }
    return true;
  }
}

/** The clock idpool reads and schedules on; inject one to test expiry without waiting. */
export interface AuthClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

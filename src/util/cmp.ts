/** Code-point order: the same everywhere, whatever the locale (sorting must be deterministic). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

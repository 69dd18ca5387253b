/**
 * Lookups by user input (provider ids, profile ids, agent names) on records parsed from JSON.
 * A plain `obj[key]` answers `constructor` or `toString` with Object.prototype's function, so
 * a provider named `constructor` would crash every command: only own properties count here.
 */
export function own<T>(obj: Readonly<Record<string, T>> | null | undefined, key: string): T | undefined {
  return obj && Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** A record for keys from user input: no prototype, so `__proto__` and `constructor` are ordinary keys. */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

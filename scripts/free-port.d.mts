/** Types of free-port.mjs, for test/helpers/net.ts. */
export function freePort(): Promise<number>;

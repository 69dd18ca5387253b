/** Types of compile-tests.mjs, for the test of `npm test`'s runner. */
export const OUT: string;
export function compileTests(root?: string): Promise<{ files: number; compiled: number; removed: number; ms: number }>;
export function compiledArgs(args: string[]): string[];

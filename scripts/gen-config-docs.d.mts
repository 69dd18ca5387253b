/** Types of gen-config-docs.mjs, for the test that keeps docs/configuration.md current. */
export interface DocKey {
  key: string;
  doc: string;
  default: unknown;
  env?: string;
  sensitive?: boolean;
  choices?: string[];
}
export const BEGIN: string;
export const END: string;
export const DOC_PATH: string;
export function renderConfigKeys(keys: DocKey[]): string;
export function updateDoc(text: string, keys: DocKey[]): string;

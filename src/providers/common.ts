/** Small pieces shared by provider files. */
export { basicSecretProblem, defaultFixCommand } from './catalog.js';

export function bearer(secret: string): Record<string, string> {
  return { authorization: `Bearer ${secret}` };
}

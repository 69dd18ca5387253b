/** `models status --probe`: live checks land with the providers issue. */
import type { AgentReport } from '../store/report.js';
import type { Context } from './context.js';
import { CliError } from './errors.js';
import type { StatusOptions } from './models-status.js';

export async function probeReports(_ctx: Context, _reports: AgentReport[], _opts: StatusOptions, _o: { warnMs: number }): Promise<AgentReport[]> {
  throw new CliError('--probe is not built yet');
}

/**
 * One doctor run: gather every check (state, config, env, stores, locks, daemon env,
 * systemd), optionally repair the fixable ones, and check again so the report shows
 * the state after the repairs.
 */
import { listAgents, type Context } from '../context.js';
import { clockChecks } from './clock.js';
import { buildDoctorContext, type DoctorContext, type Finding } from './context.js';
import { fleetChecks } from './fleet.js';
import { daemonEnvChecks, envFileChecks, envKeyChecks } from './env.js';
import { applyRepair, type Consent, type RepairOutcome } from './repairs.js';
import { alertStateChecks, configChecks, configRunChecks, stateChecks } from './state.js';
import { lockChecks, storeChecks, type DoctorAgent } from './stores.js';
import type { DoctorCheck } from './types.js';

export interface DoctorReport {
  checks: Finding[];
  repairs: RepairOutcome[];
  errors: number;
  warnings: number;
}

function agentsOf(ctx: DoctorContext): { agents: DoctorAgent[]; problem?: Finding } {
  try {
    return { agents: listAgents({ ...ctx, now: () => ctx.now } as Context) };
  } catch (err) {
    return {
      agents: [],
      problem: {
        id: 'config.agent',
        level: 'error',
        summary: `agents.default: ${(err as Error).message}`,
        fix: 'aipro config set agents.default main',
      },
    };
  }
}

/** Checks contributed by the systemd area (units installed, linger, env file wiring). */
async function systemdChecks(env: Record<string, string>): Promise<DoctorCheck[]> {
  try {
    const { systemdDoctorChecks } = await import('./systemd.js');
    return await systemdDoctorChecks(env);
  } catch (err) {
    return [
      { id: 'systemd.checks', level: 'warn', summary: `systemd checks could not run: ${(err as Error).message}` },
    ];
  }
}

export async function collectChecks(ctx: DoctorContext): Promise<Finding[]> {
  const { agents, problem } = agentsOf(ctx);
  const def = agents.find((a) => a.isDefault);
  return [
    ...stateChecks(ctx),
    ...configChecks(ctx),
    ...(await configRunChecks(ctx)),
    ...alertStateChecks(ctx),
    ...(problem ? [problem] : []),
    ...envFileChecks(ctx),
    ...envKeyChecks(ctx),
    // On the fleet backend the stores are checked in PostgreSQL (fleetChecks), not in local files.
    ...(ctx.config.store.backend === 'file' ? agents.flatMap((a) => storeChecks(ctx, a)) : []),
    ...lockChecks(ctx, agents),
    ...clockChecks(ctx.now, agents),
    ...(def ? daemonEnvChecks(ctx, def.storePath) : []),
    ...(await systemdChecks(ctx.env)),
    ...(await fleetChecks(ctx)),
  ];
}

function count(checks: Finding[]): { errors: number; warnings: number } {
  return {
    errors: checks.filter((c) => c.level === 'error').length,
    warnings: checks.filter((c) => c.level === 'warn').length,
  };
}

/** Run the doctor; with `fix`, repair what is safe and report the state afterwards. */
export async function runDoctor(opts: {
  fix: boolean;
  consent: Consent;
  processEnv?: Record<string, string | undefined>;
  cwd?: string;
}): Promise<DoctorReport> {
  const build = () => buildDoctorContext(opts.processEnv ?? process.env, opts.cwd ?? process.cwd(), Date.now());
  const ctx = build();
  let checks = await collectChecks(ctx);
  const repairs: RepairOutcome[] = [];
  if (opts.fix) {
    for (const c of checks) if (c.repair) repairs.push(await applyRepair(c.repair, opts.consent, ctx.now));
    if (repairs.some((r) => r.done)) checks = await collectChecks(build());
  }
  return { checks, repairs, ...count(checks) };
}

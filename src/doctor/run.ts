/**
 * One doctor run: gather every check (state, config, env, stores, locks, daemon env,
 * systemd), optionally repair the fixable ones, and check again so the report shows
 * the state after the repairs.
 */
import { listAgents, type Context } from '../context.js';
import { clockChecks } from './clock.js';
import { buildDoctorContext, type DoctorContext, type Finding } from './context.js';
import { fleetChecks } from './fleet.js';
import { leftoverFileChecks } from './fleet-files.js';
import { readStore, type StoreRead } from '../store/read.js';
import { daemonEnvChecks, envFileChecks, envKeyChecks } from './env.js';
import { applyRepair, type Consent, type RepairOutcome } from './repairs.js';
import { alertStateChecks, configChecks, configRunChecks, stateChecks } from './state.js';
import { lockChecks, storeChecks, type DoctorAgent } from './stores.js';
import type { DoctorCheck } from './types.js';

export interface DoctorReport {
  checks: Finding[];
  repairs: RepairOutcome[];
  /** What `--fix` does not do on this backend (shown with the repairs). */
  notes: string[];
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
  const fleetBackend = ctx.config.store.backend === 'postgres';
  const fleet = await fleetChecks(ctx);
  // The stores the other checks judge: the fleet's from the database, else this host's files.
  const reads: Map<string, StoreRead> = fleetBackend
    ? fleet.reads
    : new Map(agents.map((a) => [a.id, readStore(a.storePath)]));
  const defRead = def ? reads.get(def.id) : undefined;
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
    ...clockChecks(ctx.now, [...reads.values()], fleetBackend),
    // Unknown when the fleet database could not be read: no guess about what it holds.
    ...(defRead ? daemonEnvChecks(ctx, defRead) : []),
    ...(await systemdChecks(ctx.env)),
    ...fleet.findings,
    ...(fleetBackend ? leftoverFileChecks(agents, fleet.reads) : []),
  ];
}

/** --fix repairs files; on the fleet backend the credentials are not in files. */
export const FLEET_FIX_NOTE =
  '--fix repairs files on this host only (modes, stale locks); the store is in PostgreSQL ' +
  '(store.backend is postgres), which --fix never changes: restoring from .bak applies to store files ' +
  'only, and each fleet.* finding names its own fix (aipro store migrate, the key, the URL)';

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
  const notes: string[] = [];
  if (opts.fix) {
    for (const c of checks) if (c.repair) repairs.push(await applyRepair(c.repair, opts.consent, ctx.now));
    if (repairs.some((r) => r.done)) checks = await collectChecks(build());
    if (ctx.config.store.backend === 'postgres') notes.push(FLEET_FIX_NOTE);
  }
  return { checks, repairs, notes, ...count(checks) };
}

/** One finding of `aipro doctor`. Every area (store, env, config, systemd…) returns a list of these. */
export interface DoctorCheck {
  /** Stable id for scripts, e.g. `store.mode`, `systemd.timer.enabled`. */
  id: string;
  level: 'ok' | 'warn' | 'error';
  summary: string;
  /** The next command to run (or what `--fix` would do). */
  fix?: string;
  /** True when `aipro doctor --fix` can repair it safely. */
  fixable?: boolean;
}

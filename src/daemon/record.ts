/** The hand-off from the runner to the exporters: each run event becomes metric updates. */
import { MONITOR_ERROR_REASONS, type RunRecorder } from '../../monitors/runner.js';
import { updateFromObservations, type AiproMetrics } from '../../exporters/prometheus/registry.js';

/** A recorder writing the monitor families of `metrics`. */
export function metricsRecorder(metrics: AiproMetrics): RunRecorder {
  return {
    started: (monitor, at) => metrics.monitorLastRun.set({ monitor }, at / 1000),
    observed: (monitor, observations, at) =>
      updateFromObservations(metrics, observations, at, { replaceCredentials: monitor === 'expiry' }),
    durationMs: (monitor, ms) => metrics.monitorRunDuration.set({ monitor }, ms / 1000),
    succeeded: (monitor, end) => metrics.monitorLastSuccess.set({ monitor }, end / 1000),
    error: (monitor, reason) => metrics.monitorErrors.inc({ monitor, reason }),
  };
}

/** Start the error counters of `names` at 0 so `increase()` sees the first error. */
export function initRunCounters(metrics: AiproMetrics, names: readonly string[]): void {
  for (const monitor of names)
    for (const reason of MONITOR_ERROR_REASONS) metrics.monitorErrors.inc({ monitor, reason }, 0);
}

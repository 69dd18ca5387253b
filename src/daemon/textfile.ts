/** Writing the node_exporter textfile from the monitor's metrics (daemon and `--once`). */
import type { MonitorLogger } from '../../monitors/types.js';
import { exposition } from '../../exporters/prometheus/exposition.js';
import { textfileMetric, type AiproMetrics } from '../../exporters/prometheus/registry.js';
import { writeTextfile, type TextfileResult } from '../../exporters/textfile/writer.js';

/** Render the aipro metrics (no counters, no process metrics) and write them atomically to `path`. */
export async function writeMetricsTextfile(
  metrics: AiproMetrics,
  path: string,
  log: MonitorLogger,
): Promise<TextfileResult> {
  const res = await writeTextfile(path, exposition(metrics, 'text', textfileMetric));
  if (!res.ok) log.error('textfile.failed', { path, detail: res.detail });
  return res;
}

/**
 * `aipro rules print`: the Prometheus alert rules generated from the alert catalogue, as a
 * plain rule file or a Kubernetes PrometheusRule. The generator loads only when it runs.
 */
import type { Command } from 'commander';
import { parseDuration } from '../util/duration.js';
import { loadContext } from '../context.js';
import { usageError } from './errors.js';
import { contextOptions, io } from './io.js';

interface PrintFlags {
  warn: string;
  critical?: string;
  job: string;
  selector?: string;
  format: string;
  name?: string;
  namespace?: string;
}

function seconds(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === null || ms < 1000 || ms % 1000 !== 0)
    throw usageError(`${flag} "${text}" is not a duration in whole seconds (e.g. 7d, 24h, 90m)`);
  return ms / 1000;
}

export function register(program: Command): void {
  const rules = program
    .command('rules')
    .description('print the Prometheus alert rules generated from the alert catalogue');
  rules
    .command('print')
    .description('write the alert rules to stdout (the shipped exporters/prometheus/rules.yml is the default output)')
    .option('--warn <duration>', 'warning band starts this long before expiry', '7d')
    .option(
      '--critical <duration>',
      'critical band starts this long before expiry (default alerts.criticalWithin, 24h)',
    )
    .option('--job <name>', 'scrape job of the monitor daemon (AiproMonitorAbsent)', 'aipro')
    .option(
      '--selector <matchers>',
      'label matchers added to every aipro metric, to choose one source (e.g. \'job="aipro"\')',
    )
    .option(
      '--format <format>',
      'prometheus (a rule file) or prometheusrule (a Kubernetes PrometheusRule)',
      'prometheus',
    )
    .option('--name <name>', 'PrometheusRule metadata.name (default aipro)')
    .option('--namespace <ns>', 'PrometheusRule metadata.namespace')
    .addHelpText(
      'after',
      `
Exit codes: 0 printed · 64 usage error (bad duration, --warn not longer than --critical, bad selector)

Examples:
  aipro rules print > /etc/prometheus/rules/aipro.yml
  aipro rules print --warn 14d --critical 48h
  aipro rules print --selector 'job="aipro"'          # scrape and textfile both collected: use the scrape
  aipro rules print --format prometheusrule --namespace monitoring | kubectl apply -f -`,
    )
    .action(async (flags: PrintFlags) => {
      if (flags.format !== 'prometheus' && flags.format !== 'prometheusrule')
        throw usageError(`--format "${flags.format}" must be prometheus or prometheusrule`);
      const { checkRulesOptions, renderRules } = await import('../../exporters/prometheus/rules.js');
      const opts = {
        warnS: seconds('--warn', flags.warn),
        criticalS:
          flags.critical !== undefined
            ? seconds('--critical', flags.critical)
            : seconds('alerts.criticalWithin', loadContext(contextOptions()).config.alerts.criticalWithin),
        job: flags.job,
        format: flags.format,
        ...(flags.selector !== undefined ? { selector: flags.selector } : {}),
        ...(flags.name !== undefined ? { name: flags.name } : {}),
        ...(flags.namespace !== undefined ? { namespace: flags.namespace } : {}),
      } as const;
      const errors = checkRulesOptions(opts);
      if (errors.length) throw usageError(`${errors.join('; ')} (e.g. aipro rules print --warn 7d --critical 24h)`);
      io().stdout.write(renderRules(opts));
    });
}

/** `aipro gateway`: registered here; implementation lands with its issue. */
import type { Command } from 'commander';
import { CliError } from './errors.js';

export function register(program: Command): void {
  program
    .command('gateway')
    .description('gateway (not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new CliError('gateway is not built yet in this version of aipro');
    });
}

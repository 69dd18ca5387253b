/** `aipro monitor`: registered here; implementation lands with its issue. */
import type { Command } from 'commander';
import { CliError } from './errors.js';

export function register(program: Command): void {
  program
    .command('monitor')
    .description('monitor (not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new CliError('monitor is not built yet in this version of aipro');
    });
}

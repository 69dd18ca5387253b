/** `aipro alerts`: registered here; implementation lands with its issue. */
import type { Command } from 'commander';
import { CliError } from './errors.js';

export function register(program: Command): void {
  program
    .command('alerts')
    .description('alerts (not built yet)')
    .allowUnknownOption()
    .action(() => {
      throw new CliError('alerts is not built yet in this version of aipro');
    });
}

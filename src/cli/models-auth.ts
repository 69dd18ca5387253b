/** `aipro models auth …`: registered here; implementation lands with its issue. */
import type { Command } from 'commander';

export function register(_program: Command): void {}

// tools/cli/lifecycle-cli.ts — commander wiring of ps, logs, stop, rm
// (tools/cli/lifecycle.ts does the work).

import type { Command } from 'commander';
import { logsCommand, psCommand, rmCommand, stopCommand } from './lifecycle.ts';

export function lifecycleCommands(p: Command, configure: (c: Command, path: string) => Command): void {
  configure(p.command('ps'), 'asuk ps')
    .description('list instances started with run -d: running, stopped, exited (code) or crashed')
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }) => psCommand(o));
  configure(p.command('logs'), 'asuk logs')
    .description('print the serial console of an instance')
    .argument('<name>', 'the instance')
    .option('-f, --follow', 'keep printing until the instance stops')
    .action(async (name: string, o: { follow?: boolean }) => logsCommand(name, o));
  configure(p.command('stop'), 'asuk stop')
    .description('stop a running instance (SIGTERM to QEMU, SIGKILL after 10 s)')
    .argument('<name>', 'the instance')
    .action(async (name: string) => stopCommand(name));
  configure(p.command('rm'), 'asuk rm')
    .description('remove a stopped instance and its state')
    .argument('<name>', 'the instance')
    .option('-f, --force', 'stop it first if it is running')
    .action(async (name: string, o: { force?: boolean }) => rmCommand(name, o));
}

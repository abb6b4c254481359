// Two projects, both run by `make test` (scripts/test.sh):
//   fast  no QEMU: unit, spec-suite, differential and Node-emulated kernel tests
//   qemu  every test that boots qemu-system-x86_64 (listed below; a new test that
//         boots QEMU goes here). The fast project runs with ASUK_NO_QEMU=1, which
//         makes tools/qemu and the CLI refuse to start QEMU: a QEMU test left out of
//         this list fails loudly instead of slowing the fast project down.
//   npx vitest run --project fast      (seconds to minutes)
//   npx vitest run --project qemu
import { defineConfig } from 'vitest/config';

export const QEMU_TESTS = [
  'test/9p/qemu.test.ts',
  'test/boot/stub.test.ts',
  'test/boot/wasm.test.ts',
  'test/cli/run.test.ts',
  'test/cli/signals.test.ts',
  'test/kernel/hello-qemu.test.ts',
  'test/platform/package.test.ts',
  'test/qemu/**/*.test.ts',
  'test/rootfs/bad.test.ts',
  'test/rootfs/fstab.test.ts',
  'test/rootfs/harden.test.ts',
  'test/rootfs/roundtrip.test.ts',
  'test/rootfs/writes.test.ts',
  'test/volumes/bad.test.ts',
  'test/volumes/harden.test.ts',
  'test/volumes/kvstore.test.ts',
  'test/volumes/mixed.test.ts',
  'test/volumes/multi.test.ts',
  'test/volumes/root.test.ts',
  'test/volumes/seek.test.ts',
];

const common = { testTimeout: 60_000, hookTimeout: 120_000, pool: 'forks' as const };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...common, name: 'fast', include: ['test/**/*.test.ts'], exclude: ['**/node_modules/**', ...QEMU_TESTS],
          env: { ASUK_NO_QEMU: '1' },
        },
      },
      {
        test: {
          ...common, name: 'qemu', include: QEMU_TESTS,
        },
      },
    ],
  },
});

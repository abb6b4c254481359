// Two projects, both run by `make test` (scripts/test.sh):
//   fast  no QEMU: unit, spec-suite, differential and Node-emulated kernel tests,
//         the files listed in FAST_TESTS
//   qemu  every other test file: those that boot qemu-system-x86_64
// A new test file lands in qemu unless listed below. The fast project runs with
// ASUK_NO_QEMU=1, which makes tools/qemu and the CLI refuse to start QEMU, so a
// test that boots QEMU cannot hide in the fast list.
//   npx vitest run --project fast   (make test-fast)
//   npx vitest run --project qemu
import { defineConfig } from 'vitest/config';

export const FAST_TESTS = [
  'test/aot/**/*.test.ts',
  'test/bench-fs/**/*.test.ts',
  'test/diff/**/*.test.ts',
  'test/spec/**/*.test.ts',
  'test/wasm/**/*.test.ts',
  'test/wasi/**/*.test.ts',
  'test/x86/**/*.test.ts',
  'test/9p/codec.test.ts',
  'test/boot/elf.test.ts',
  'test/cli/oci.test.ts',
  'test/cli/units.test.ts',
  'test/drivers/pci.test.ts',
  'test/fs/cpio-bad.test.ts',
  'test/fs/cpio.test.ts',
  'test/fs/mkcpio.test.ts',
  'test/fs/vfs.test.ts',
  'test/httpd/**/*.test.ts',
  'test/kernel/hello.test.ts',
  'test/kernel/layers.test.ts',
  'test/kernel/units.test.ts',
  'test/platform/env.test.ts',
  'test/platform/srcmap.test.ts',
  'test/platform/features.test.ts',
  'test/rootfs/unit.test.ts',
  'test/volumes/unit.test.ts',
  'test/volumes/kvreader.test.ts',
];

const common = { testTimeout: 60_000, hookTimeout: 120_000, pool: 'forks' as const };

export default defineConfig({
  test: {
    projects: [
      { test: { ...common, name: 'fast', include: FAST_TESTS, env: { ASUK_NO_QEMU: '1' } } },
      { test: { ...common, name: 'qemu', include: ['test/**/*.test.ts'], exclude: ['**/node_modules/**', ...FAST_TESTS] } },
    ],
  },
});

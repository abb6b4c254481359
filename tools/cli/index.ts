// tools/cli — the `asuk` command (issue 7), kraft's run and pkg for asuk:
//
//   main.ts     commander wiring, `--` split (the bundle entry; run by scripts/asuk.mjs)
//   target.ts   IMAGE argument -> app folder | image name | ELF, and the Kraftfile that applies
//   app.ts      apps in their own folder, -e/-a as kernel options, build either kind,
//               the missing-part check (--rootfs/-v on an image without files)
//   init.ts     asuk init: the app scaffold
//   run.ts      asuk run: volumes + Kraftfile merge, fstab, memory, then qemu.ts
//   pkg.ts      asuk pkg / asuk build: the rootfs embedded as einitrd
//   rootfs.ts   --rootfs by content -> CPIO (directory, CPIO, OCI, tar), cached
//   memory.ts   -m parsing, ELF facts (image end, einitrd), the automatic size
//   qemu.ts     QEMU on the terminal: signals, exit status, QEMU's own errors
//   progress.ts progress lines on a terminal only
//   errors.ts   UsageError and the one-line failure
//   aot.ts      asuk aot
//   instances.ts  run -d state in $XDG_STATE_HOME/asuk (pid + start time, exit status)
//   lifecycle.ts  run -d, ps, logs, stop, rm (lifecycle-cli.ts: their commander wiring)
//
// Calls: main -> run|pkg -> target (-> app), app (-> tools/image/app.ts), rootfs (-> tools/oci, tools/cpio),
// tools/image (build), memory, tools/qemu (argument vector), qemu.ts.

export { UsageError, describeError } from './errors.ts';
export { parseMemory, memoryPlan, elfFacts, qemuMemory, type MemoryPlan, type ElfFacts } from './memory.ts';
export { resolveRootfs, DOCKERFILE_LINE, type Rootfs, type RootfsKind } from './rootfs.ts';
export { mergeVolumes, runFstab, runPorts, wasmListen, INITRD_ROOT_ENTRY, EMBEDDED_ROOT_ENTRY } from './run.ts';
export { tcpListens } from './pkg.ts';
export { stateDir, instanceState, stateText, listInstances, type Instance, type InstanceState } from './instances.ts';
export { resolveTarget, imageNames, type Target } from './target.ts';
export { chooseAccel, findOnPath, requireQemu } from './qemu.ts';

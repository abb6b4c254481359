// tools/cli/run.ts — `asuk run`: resolve the target and its Kraftfile, build
// the image, turn --rootfs into an -initrd CPIO, volumes into 9p devices and
// vfs.fstab entries, size memory, boot QEMU on the terminal.
//
// Machine (chooseMachine): -M microvm unless --machine pc or the image needs
// PCI (virtio-9p runs over virtio-mmio too). The console carries only the app's output; kernel
// diagnostics come with --verbose, on stderr (tools/qemu: debugcon).
//
// fstab (DESIGN.md "Interfaces"): without volumes none is passed and the
// kernel's default mounts the rootfs; with volumes the command line replaces
// the default table, so it carries the root too:
//   --rootfs R -v A:/x    "initrd0:/:extract::ramfs=1:" "fs0:/x:9pfs:::mkmp"
//   einitrd image -v A:/x "embedded:/:extract::ramfs=1:" "fs0:/x:9pfs:::mkmp"
//   -v ./rootfs:/         "fs0:/:9pfs:::mkmp"  (9p is the root)

import { dirname, join } from 'node:path';
import { imageDir, imageFeatures, ROOT } from '../image/index.ts';
import { appFeatures } from '../image/app.ts';
import { bootOptions, buildTarget, rootfsCache, checkParts, mergeEnv, shellLine, targetLabel } from './app.ts';
import {
  kernelCmdline, openDiag, parsePort, parseVolume, qemuArgs, volumeFstab, type Machine, type PortMap, type Volume,
} from '../qemu/index.ts';
import { UsageError } from './errors.ts';
import { elfFacts, memoryPlan, parseMemory, qemuMemory } from './memory.ts';
import { progress, step } from './progress.ts';
import { bootInteractive, chooseAccel, requireQemu } from './qemu.ts';
import { detachRun } from './lifecycle.ts';
import { resolveRootfs } from './rootfs.ts';
import { resolveTarget } from './target.ts';
import { buildWasmImage, cmdlineQuote } from '../image/wasm.ts';

/** Guest memory of a WASI command without -m (the app's region is what the kernel leaves: docs/guide.md). */
const WASM_DEFAULT_MEMORY = 256 << 20;

export interface RunFlags {
  rootfs?: string;
  volume?: string[];
  memory?: string;
  M?: string;
  machine?: string;
  accel?: string;
  timeout: string;
  /** -p HOST:GUEST[/tcp|/udp] (repeatable). */
  publish?: string[];
  detach?: boolean;
  name?: string;
  verbose?: boolean;
  env?: string[];
  kernelArg?: string[];
  dryRun?: boolean;
}

/** The network: -p flags (each a host forward); an app importing "asuk/net" gets a NIC even without them. */
export function runPorts(flags: string[] | undefined, imageWantsNet: boolean): PortMap[] | undefined {
  const ports = (flags ?? []).map((s) => {
    try {
      return parsePort(s);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  });
  return ports.length || imageWantsNet ? ports : undefined;
}

export const INITRD_ROOT_ENTRY = 'initrd0:/:extract::ramfs=1:';
export const EMBEDDED_ROOT_ENTRY = 'embedded:/:extract::ramfs=1:';

/** The volumes: the Kraftfile's, then the flags' (a flag for the same destination replaces the Kraftfile's). */
export function mergeVolumes(fromFile: string[], fromFlags: string[], kraftfile?: string): Volume[] {
  const parse = (spec: string, where: string) => {
    try {
      return parseVolume(spec);
    } catch (e) {
      throw new UsageError(`${where}${(e as Error).message}`);
    }
  };
  const flags = fromFlags.map((s) => parse(s, ''));
  const file = fromFile.map((s) => parse(s, `${kraftfile ?? 'Kraftfile'}: `)).filter((v) => !flags.some((f) => f.dst === v.dst));
  return [...file, ...flags];
}

/** The vfs.fstab entries for this combination (file comment), or [] to keep the kernel's default. */
export function runFstab(vols: Volume[], o: { initrd: boolean; einitrd: boolean }): string[] {
  if (!vols.length) return [];
  const root = o.initrd ? [INITRD_ROOT_ENTRY] : o.einitrd ? [EMBEDDED_ROOT_ENTRY] : [];
  return [...root, ...volumeFstab(vols)];
}

/**
 * The machine: --machine, else microvm. Volumes (virtio-9p) and the network
 * (virtio-net) run on virtio-mmio there.
 */
export function chooseMachine(flag: string | undefined): Machine {
  return flag !== undefined ? flag as Machine : 'microvm';
}

/**
 * A WASI command given -p: its image links the network, and each TCP guest port is a
 * listening socket preopened as wasmtime's --tcplisten makes it (`wasi.tcplisten`,
 * wasi/kernel/index.ts), numbered after the preopened directories (fd 4 with the default `/`).
 */
export function wasmListen(ports: PortMap[] | undefined): string | undefined {
  if (!ports?.length) return undefined;
  const guests = [...new Set(ports.filter((p) => p.proto === 'tcp').map((p) => p.guest))];
  return `wasi.tcplisten=[ ${guests.map((g) => `0.0.0.0:${g}`).join(' ')} ]`;
}

/** Whether the target's app imports "asuk/net" (an ELF given as it is: no). */
function wantsNet(t: { image?: string; app?: { dir: string } }): boolean {
  return t.app ? appFeatures(t.app.dir).net : t.image !== undefined && imageFeatures(t.image).net;
}

/** `asuk run`; returns the exit status (the guest's code). `appArgs` is null when no `--` was given. */
export async function runCommand(arg: string | undefined, f: RunFlags, appArgs: string[] | null): Promise<number> {
  if (f.machine !== undefined && f.machine !== 'pc' && f.machine !== 'microvm') throw new UsageError(`unknown machine '${f.machine}': use pc or microvm`);
  const timeout = /^\d+(\.\d+)?$/.test(f.timeout) ? Number(f.timeout) : NaN;
  if (!Number.isFinite(timeout)) throw new UsageError(`bad --timeout '${f.timeout}': give seconds (0: none)`);
  const requested = f.memory ?? f.M;
  const memory = requested !== undefined ? parseMemory(requested) : undefined;
  const accel = chooseAccel(f.accel);
  const qemu = requireQemu();
  const t = resolveTarget(arg, true);
  const net = runPorts(f.publish, wantsNet(t));
  const machine = chooseMachine(f.machine);
  const kf = t.kraftfile;
  const vols = mergeVolumes(kf?.volumes ?? [], f.volume ?? [], kf?.path);
  // images/NAME's own Kraftfile rootfs is embedded when it is built (buildImage), not passed again
  const ownRootfs = t.image !== undefined && kf !== null && dirname(kf.path) === imageDir(t.image);
  const rootfsPath = f.rootfs ?? (ownRootfs ? undefined : kf?.rootfs);
  if (rootfsPath && vols.some((v) => v.dst === '/')) {
    throw new UsageError(`both --rootfs and a volume claim /: drop one (a volume elsewhere, e.g. -v DIR:/data, mixes with --rootfs)`);
  }
  const rootfs = rootfsPath ? await resolveRootfs(rootfsPath, rootfsCache(t)) : undefined;
  const env = mergeEnv(kf?.env ?? [], f.env ?? []);
  const options = bootOptions(env, f.kernelArg ?? []);
  const listen = t.wasm ? wasmListen(net) : undefined;
  if (listen) options.push(listen);
  let elf = t.elf;
  if (t.wasm) elf = (await step(`building ${targetLabel(t)}`, () => buildWasmImage(t.wasm!, { net: listen !== undefined }))).elf;
  if (!elf) {
    const out = t.app ? join(t.app.dir, '.asuk', `${t.app.name}.elf`) : join(ROOT, 'build', `${t.image}.elf`);
    const b = await step(`building ${targetLabel(t)}`, () => buildTarget(t, out));
    checkParts(targetLabel(t), b, { rootfs: rootfs !== undefined, volumes: vols.length > 0 });
    elf = b.elf;
  }
  const facts = elfFacts(elf);
  // A WASI command grows its memory as it runs (malloc): give it room by default (QEMU takes host pages only as they are used).
  const plan = memoryPlan({ imageEnd: facts.imageEnd, initrdBytes: rootfs?.bytes ?? 0, requested: memory ?? (t.wasm ? WASM_DEFAULT_MEMORY : undefined) });
  if (plan.tooSmall) throw new UsageError(plan.tooSmall);
  // A WASI command gets its argv word for word (the kernel unquotes: tools/image/wasm.ts cmdlineQuote).
  const args = (appArgs ?? kf?.cmd ?? []).map((a) => (t.wasm ? cmdlineQuote(a) : a));
  const fstab = runFstab(vols, { initrd: rootfs !== undefined, einitrd: facts.einitrdBytes > 0 });
  // A trailing `--` keeps a dotless -a word (`quiet`) from being read as the app's first argument.
  const append = kernelCmdline({ options, fstab, args }) + (options.length && !args.length ? ' --' : '');
  // --verbose: the kernel's diagnostics (debugcon) are copied to stderr as they come
  const diag = f.verbose && !f.dryRun && !f.detach ? await openDiag((c) => process.stderr.write(c)) : null;
  const qargs = qemuArgs({
    kernel: elf, machine, accel, memory: qemuMemory(plan.bytes),
    initrd: rootfs ? [rootfs.cpio] : undefined, append: append || undefined, volumes: vols, net,
    verbose: f.verbose === true, diagSocket: diag?.path,
    // A WASI app's random_get uses RDRAND: TCG's `max` CPU has it (KVM keeps the default model, see qemuArgs).
    extraArgs: t.wasm && accel === 'tcg' ? ['-cpu', 'max'] : undefined,
  });
  if (f.dryRun) {
    process.stdout.write(`${shellLine([qemu, ...qargs])}\n`);
    return 0;
  }
  if (f.detach) {
    const inst = await detachRun({ name: f.name, image: t.image ?? elf, qemu, args: qargs, ports: f.publish ?? [] });
    process.stdout.write(`${inst.name}\n`);
    return 0;
  }
  progress(`booting ${targetLabel({ ...t, elf })} (-m ${qemuMemory(plan.bytes)}, ${accel})`);
  const r = await bootInteractive(qemu, qargs, timeout, diag);
  const kvmHint = accel === 'kvm' && r.message?.startsWith('QEMU ended by') ? ' (this KVM may not run the guest: try --accel tcg)' : '';
  if (r.message) process.stderr.write(`asuk: ${r.message}${kvmHint}\n`);
  return r.status;
}

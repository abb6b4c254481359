// tools/cli/pkg.ts — `asuk pkg` and `asuk build`: an image as one ELF, the
// rootfs (any --rootfs kind: directory, CPIO, OCI image) embedded as its
// einitrd (issue 5), so `qemu-system-x86_64 -kernel NAME.elf` boots it with
// its files and no -initrd. For an app in its own folder, pkg also bakes the
// Kraftfile's cmd and env (and -e) into the image, so plain QEMU runs exactly
// what `asuk run` runs.

import { basename, join, relative, resolve } from 'node:path';
import type { AppSpec } from '../image/app.ts';
import { buildTarget, rootfsCache, mergeEnv, targetLabel, type AppTarget } from './app.ts';
import { UsageError } from './errors.ts';
import { step } from './progress.ts';
import { resolveRootfs } from './rootfs.ts';
import { resolveTarget } from './target.ts';
import { buildWasmImage } from '../image/wasm.ts';
import type { WasmBake } from '../image/wasm-glue.ts';

export interface PkgFlags { rootfs?: string; locked?: boolean; out?: string; name?: string; env?: string[]; tcplisten?: string[] }

const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;

/** Builds `image` with `rootfsPath` (resolved to CPIO) embedded; prints one summary line; returns the ELF. */
async function buildWith(t: { image?: string; app?: AppTarget }, out: string, rootfsPath: string | undefined,
  locked: boolean | undefined, bake?: AppSpec['bake']): Promise<string> {
  const rootfs = rootfsPath ? await resolveRootfs(rootfsPath, rootfsCache(t)) : undefined;
  const r = await step(`building ${targetLabel(t)}`, () => buildTarget(t, out, { rootfs: rootfs?.cpio, locked, bake }));
  const shown = relative(process.cwd(), r.elf) || r.elf;
  process.stderr.write(`built ${shown} (${kib(r.elfBytes)}) in ${r.ms.total.toFixed(0)} ms: `
    + `asc ${r.cached ? 'cached' : `${r.ms.asc.toFixed(0)} ms`}, aot+link ${r.ms.link.toFixed(0)} ms`
    + `${r.einitrdBytes ? `, einitrd ${kib(r.einitrdBytes)}${locked ? ' (locked)' : ''}` : ''}\n`);
  return r.elf;
}

/** `asuk pkg [IMAGE] --rootfs PATH [--locked] [--out PATH] [--name NAME]`. */
export async function pkgCommand(arg: string | undefined, f: PkgFlags): Promise<void> {
  const t = resolveTarget(arg, false);
  const rootfs = f.rootfs ?? t.kraftfile?.rootfs;
  if (f.tcplisten?.length && !t.wasm) throw new UsageError('--tcplisten is for a WASI command (prog.wasm): an app listens with asuk/net');
  if (t.wasm) return pkgWasm(t.wasm, f, rootfs, { cmd: t.kraftfile?.cmd ?? [], env: mergeEnv(t.kraftfile?.env ?? [], f.env ?? []), listen: tcpListens(f.tcplisten) });
  if (t.app) {
    const name = f.name && f.name !== '.' ? f.name : t.app.name;
    const bake = { cmd: t.kraftfile?.cmd ?? [], env: mergeEnv(t.kraftfile?.env ?? [], f.env ?? []) };
    const elf = await buildWith(t, resolve(f.out ?? `${name}.elf`), rootfs, f.locked, bake);
    const shown = relative(process.cwd(), elf) || elf;
    process.stderr.write(`boot it: qemu-system-x86_64 -kernel ${shown} -nographic (cmd and env baked in)\n`);
    return;
  }
  if (!rootfs) throw new UsageError('nothing to package: give --rootfs PATH (a directory, CPIO archive or OCI image), or rootfs: in the Kraftfile');
  const name = f.name && f.name !== '.' ? f.name : t.image!;
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new UsageError(`bad --name '${name}': use letters, digits, '.', '_' or '-'`);
  const out = resolve(f.out ?? `${name}.elf`);
  const elf = await buildWith(t, out, rootfs, f.locked);
  const shown = relative(process.cwd(), elf) || elf;
  process.stderr.write(`boot it: qemu-system-x86_64 -kernel ${shown} -nographic (or asuk run ${shown})\n`);
}

/** --tcplisten values, checked: A.B.C.D:PORT each (wasmtime's option). */
export function tcpListens(specs: string[] | undefined): string[] {
  for (const s of specs ?? []) {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d{1,5})$/.exec(s);
    if (!m || m.slice(1, 5).some((q) => Number(q) > 255) || Number(m[5]) < 1 || Number(m[5]) > 65535) {
      throw new UsageError(`bad --tcplisten '${s}': expected A.B.C.D:PORT (port 1..65535)`);
    }
  }
  return specs ?? [];
}

/** `asuk pkg prog.wasm [--rootfs PATH] [--tcplisten A.B.C.D:PORT]`: the WASI command's image, the rootfs embedded; listeners link the network. */
async function pkgWasm(wasm: string, f: PkgFlags, rootfsPath: string | undefined, bake: WasmBake): Promise<void> {
  if (f.locked) throw new UsageError('--locked is not supported for a WASI command yet: drop it');
  const name = f.name && f.name !== '.' ? f.name : basename(wasm).replace(/\.wasm$/, '');
  const rootfs = rootfsPath ? await resolveRootfs(rootfsPath, rootfsCache({})) : undefined;
  const out = resolve(f.out ?? `${name}.elf`);
  const net = (bake.listen ?? []).length > 0;
  const r = await step(`building ${wasm}`, () => buildWasmImage(wasm, { out, rootfs: rootfs?.cpio, bake, net }));
  const shown = relative(process.cwd(), r.elf) || r.elf;
  process.stderr.write(`built ${shown} (${kib(r.elfBytes)}) in ${r.ms.total.toFixed(0)} ms${r.cached ? ' (cached)' : ''}\n`);
  const nic = net ? ' -netdev user,id=n0,hostfwd=tcp:127.0.0.1:8080-:PORT -device virtio-net-device,netdev=n0' : '';
  process.stderr.write(`boot it: qemu-system-x86_64 -M microvm,rtc=on -cpu max -kernel ${shown}${nic} -nographic (cmd and env baked in; -append '-- ARGS' replaces the cmd)\n`);
}

/** `asuk build [IMAGE] [--out PATH] [--rootfs PATH] [--locked]` (the Kraftfile's rootfs is not embedded: that is pkg). */
export async function buildCommand(arg: string | undefined, f: PkgFlags): Promise<void> {
  const t = resolveTarget(arg, false);
  if (t.wasm) {
    const out = resolve(f.out ?? `${basename(t.wasm).replace(/\.wasm$/, '')}.elf`);
    const r = await step(`building ${t.wasm}`, () => buildWasmImage(t.wasm!, { out }));
    process.stderr.write(`built ${relative(process.cwd(), r.elf) || r.elf} (${kib(r.elfBytes)}) in ${r.ms.total.toFixed(0)} ms${r.cached ? ' (cached)' : ''}\n`);
    return;
  }
  if (f.locked && !f.rootfs) throw new UsageError('--locked locks an embedded rootfs: give --rootfs PATH too (asuk build IMAGE --rootfs PATH --locked)');
  const out = f.out ?? (t.app ? join(t.app.dir, '.asuk', `${t.app.name}.elf`) : 'out.elf');
  await buildWith(t, resolve(out), f.rootfs, f.locked);
}

// kernel/rootfs/modules.ts — the boot modules as fstab devices.
//
// Multiboot 0.6.96 §3.3 gives (mod_start, mod_end, string) per module. QEMU
// makes one module per comma-separated `-initrd` item; its string is the
// item as written, file name first, then the optional argument after a space
// (`-initrd "extra.cpio /opt/extra"` -> "extra.cpio /opt/extra").
// The boot stub appends the embedded initrd (einitrd) as one more module
// named `embedded` (boot/einitrd.ts).
//
// Device names: the loader's modules are initrd0, initrd1, ... in order; the
// einitrd is `embedded`. The einitrd is recognised by its ADDRESS — it lies
// inside the image (below imageEnd) while QEMU places every -initrd module
// past imageEnd — so an `-initrd` cannot pose as the embedded root by naming
// itself "embedded".
//
// Locked images (issue 5): the einitrd module's string carries the word
// `locked` after its name ("embedded locked"); the string lives inside the
// image, so only the image build can set it.

import { utf8Decode } from "../utf8";
import { cstrLen, mbModCount, mbModEnd, mbModStart, mbModString } from "../multiboot";

/** The string the boot stub gives the einitrd module (boot/einitrd.ts EINITRD_NAME). */
export const EMBEDDED_NAME = "embedded";

/** One boot module seen as a device. */
export class BootModule {
  /** `initrd<N>` or `embedded`. */
  dev: string = "";
  start: usize = 0;
  end: usize = 0;
  /** The module's first word (QEMU: the -initrd file name). */
  file: string = "";
  /** The module's argument: its string after the first word ("" when none). */
  arg: string = "";
  embedded: bool = false;
  locked: bool = false;
}

/** Splits a module string into its first word and the rest (trimmed). */
function splitFirst(s: string): string[] {
  let t = s.trim();
  let sp = t.indexOf(" ");
  if (sp < 0) return [t, ""];
  return [t.substring(0, sp), t.substring(sp + 1).trim()];
}

/** Returns one module's description; `n` is the initrd number it gets if it is not the einitrd. */
function describe(i: u32, n: i32, imageEnd: usize): BootModule {
  let m = new BootModule();
  m.start = mbModStart(i);
  m.end = mbModEnd(i);
  let p = mbModString(i);
  let s = p != 0 ? utf8Decode(p, cstrLen(p)) : "";
  let parts = splitFirst(s);
  m.file = parts[0];
  m.embedded = parts[0] == EMBEDDED_NAME && imageEnd != 0 && m.start < imageEnd;
  if (m.embedded) {
    m.dev = EMBEDDED_NAME;
    m.locked = (" " + parts[1] + " ").indexOf(" locked ") >= 0;
  } else {
    m.dev = "initrd" + n.toString();
    m.arg = parts[1];
  }
  return m;
}

/**
 * The boot modules in loader order: initrd0.. then the einitrd if any.
 * `imageEnd` is the stub's image_end (kernelMain's argument).
 */
export function bootModules(imageEnd: usize): BootModule[] {
  let out = new Array<BootModule>();
  let n = 0;
  let count = mbModCount();
  for (let i: u32 = 0; i < count; i++) {
    let m = describe(i, n, imageEnd);
    if (!m.embedded) n++;
    out.push(m);
  }
  return out;
}

/** The module named `dev` among `mods`, or null. */
export function findModule(mods: BootModule[], dev: string): BootModule | null {
  for (let i = 0; i < mods.length; i++) if (mods[i].dev == dev) return mods[i];
  return null;
}

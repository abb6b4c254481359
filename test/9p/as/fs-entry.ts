// test/9p/as/fs-entry.ts — compiles the whole 9P stack (codec, PCI, virtio,
// virtio-9p, 9pfs glue, VFS) to prove it builds without warnings; exports a
// mount entry for tests that run it.
import { p9fsMount, MS_RDONLY } from "../../../fs/9pfs/index";
import "../../../kernel/panic";

export function mount(tagPtr: usize, tagLen: i32, pathPtr: usize, pathLen: i32, ro: bool): i32 {
  let tag = String.UTF8.decodeUnsafe(tagPtr, tagLen);
  let path = String.UTF8.decodeUnsafe(pathPtr, pathLen);
  return p9fsMount(tag, path, ro ? MS_RDONLY : 0);
}

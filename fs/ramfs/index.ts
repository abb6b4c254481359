// fs/ramfs — a read-write in-memory filesystem for kernel/vfs.
//
//   node.ts   RamFs (an instance: ino counter, owned-bytes accounting) and
//             RamNode (files, directories, symlinks; hard links share one
//             node): the Vnode operations. File bodies may be borrowed from
//             memory ramfs does not own (initrd, zero copy) and are copied on
//             the first write.
//   dir.ts    a directory's entries: slots for readdir, a hash table of
//             slots for lookup (path components compared in place)
//   mem.ts    the free-memory hook every allocation is checked against
//             (out of memory is -ENOSPC, never a kernel panic)
//   fstab.ts  the `ramfs` fstab driver (ramfsFstabInit registers it with
//             kernel/rootfs and sets the free-memory hook)
//
// Use: `vfsMount("/", new RamFs())`; RamFs(limitBytes) caps owned file data.

export { RamFs, RamNode } from "./node";
export { ramfsSetFreeMemory, ramfsFreeMemory, RAMFS_RESERVE } from "./mem";
export { ramfsFstabInit } from "./fstab";

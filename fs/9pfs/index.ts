// fs/9pfs — the 9P2000.L client filesystem: host directories through
// QEMU's virtio-9p, read-write or read-only.
//
//   client.ts    P9Client: one session (msize, tags, fids), one method per
//                9P request over a P9Transport; zero-copy read/write chains
//   node.ts      P9Fs / P9Node: every kernel/vfs Vnode operation 9P2000.L
//                carries (fid per node, lazily opened I/O fid, name cache)
//   dircache.ts  one Treaddir batch per directory (thousands of entries per
//                round trip)
//   mount.ts     V9pTransport (drivers/virtio-9p as a P9Transport),
//                p9fsOpen (any transport), p9fsAttach (a device: one
//                session per device, shared by its mounts), p9fsMount(tag, path, flags)
//   options.ts   the fstab entry's options (msize=, trans=, version=), pure
//   fstab.ts     the `9pfs` fstab driver: p9fsFstabInit registers it with
//                kernel/rootfs (mount tag -> v9pFind -> p9fsAttach)
//
// Who calls whom: the fstab driver (fstab.ts, called by kernel/rootfs) calls v9pFind(tag)
// -> p9fsAttach -> P9Client.version (once per device)/attach -> vfsMount;
// p9fsMount does the same in one call. Afterwards the VFS calls P9Node,
// P9Node calls P9Client, P9Client encodes with fs/9p and moves bytes with
// the transport. fs/9p knows nothing of virtio; drivers/ nothing of 9P.

export { P9Client, P9Transport, P9FS_MSIZE } from "./client";
export { P9Fs, P9Node } from "./node";
export { V9pTransport, p9fsOpen, p9fsAttach, p9fsMount, p9fsLastError, MS_RDONLY } from "./mount";
export { p9fsOptMsize, p9fsOptsProblem } from "./options";
export { p9fsFstabInit } from "./fstab";

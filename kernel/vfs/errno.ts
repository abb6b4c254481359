// kernel/vfs/errno.ts — the VFS's view of kernel/errno.ts (the one Errno
// enum lives in the kernel core: drivers use it too).
export { Errno, errnoName } from "../errno";

// kernel/rootfs — the boot step that builds the file tree before the app
// runs: boot modules -> fstab plan -> RamFs per entry (CPIO unpacked zero
// copy) or a 9P session per host volume -> mounts, then a writable /tmp.
//
//   fstab.ts    one `vfs.fstab=` entry: "<dev>:<mountpoint>:<driver>[:<flags>[:<opts>[:<ukopts>]]]";
//               drivers extract, ramfs, 9pfs; flags, 9pfs options
//   volume.ts   the 9pfs driver: mount tag -> virtio-9p device -> P9Fs (fs/9pfs)
//   modules.ts  multiboot modules as devices: initrd0.. (QEMU -initrd), `embedded`
//               (the einitrd, recognised by lying inside the image), its `locked` flag
//   plan.ts     fstab or the default table, the locked-image rule, root first
//   mount.ts    rootfsMount (kernelMain calls it before the app), rootfsReport
//               (`mount: N us`, the VFS clock), the source table for `mounts`
//
// Kernel options: vfs.fstab=[ "..." ... ] (replaces the default table),
// vfs.rootfs_required=1 (no root from an entry -> the boot stops, status 253).
// A root entry that fails stops the boot unless its ukopts say `nofail`.

export {
  FstabEntry, fstabParse, fstabInitrdIndex, fstabDriverKnown, fstabNumber, volumeMsize, volumeOptsProblem, VOLUME_DRIVER,
} from "./fstab";
export { volumeOpen } from "./volume";
export { BootModule, bootModules, EMBEDDED_NAME } from "./modules";
export { rootfsPlan, planDefault, planFromFstab, planLock, planOrder } from "./plan";
export { rootfsMount, rootfsReport, rootfsSetVolumeDriver, rootfsSourceOf, rootfsLocked, rootfsMkdirs, RootfsSource } from "./mount";

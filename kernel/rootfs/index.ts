// kernel/rootfs — the boot step that builds the file tree before the app
// runs: boot modules -> fstab plan -> one filesystem per entry from its
// registered driver -> mounts, then a writable /tmp. The kernel core knows
// no filesystem: drivers register (drivers.ts), as Unikraft's UK_FS_REGISTER.
//
//   entry.ts    FstabEntry: one parsed entry
//   fstab.ts    parsing "<dev>:<mountpoint>:<driver>[:<flags>[:<opts>[:<ukopts>]]]",
//               mount point normalisation, ukopts (mkmp, nofail); the driver's
//               check() judges its dev/flags/opts
//   drivers.ts  the fstab driver table: fstabRegister(name, check, open)
//               (fs/cpio: extract, fs/ramfs: ramfs, fs/9pfs: 9pfs)
//   modules.ts  multiboot modules as devices: initrd0.. (QEMU -initrd), `embedded`
//               (the einitrd, recognised by lying inside the image), its `locked` flag
//   plan.ts     fstab or the default table, the locked-image rule, root first
//   mount.ts    rootfsMount (kernelMain calls it before the app), rootfsReport
//               (`mount: N us`, the VFS clock), the source table for `mounts`
//
// Who calls whom: an image's generated entry calls the drivers' init
// functions (what the app's imports link), then passes rootfsMount to kernelMain;
// rootfsMount -> plan -> fstabParse (-> driver.check) -> driver.open -> vfsMount.
//
// Kernel options: vfs.fstab=[ "..." ... ] (replaces the default table),
// vfs.rootfs_required=1 (no root from an entry -> the boot stops, status 253).
// A root entry that fails stops the boot unless its ukopts say `nofail`.

export { FstabEntry } from "./entry";
export {
  fstabParse, fstabInitrdIndex, fstabDriverKnown, fstabNumber, fstabNormPath, fstabNoFlags, fstabOnlyOpts,
  isModuleDev as fstabIsModuleDev,
} from "./fstab";
export { FstabDriver, FstabCheck, FstabOpen, fstabRegister, fstabDriver, fstabDriverNames } from "./drivers";
export { BootModule, bootModules, findModule as fstabFindModule, EMBEDDED_NAME } from "./modules";
export { rootfsPlan, planDefault, planFromFstab, planLock, planOrder } from "./plan";
export { rootfsMount, rootfsReport, rootfsSourceOf, rootfsLocked, rootfsMkdirs, RootfsSource } from "./mount";

// fs/cpio — the initrd loader: CPIO newc (070701) and crc (070702) archives
// in memory -> any filesystem, through the kernel/vfs Vnode interface.
//
//   format.ts  the header layout (shared with the host packer tools/cpio)
//   header.ts  bounds-checked parsing of one header (cpioParse)
//   loader.ts  two passes: check everything, then create (cpioLoad)
//   extract.ts the `extract` fstab driver (cpioFstabInit registers it with
//              kernel/rootfs): a boot module unpacked into a fresh ramfs
//
// Use: `cpioLoad(initrdStart, initrdLen, changetype<Vnode>(ramfs.root))`
// before or after mounting the ramfs.

export { cpioLoad } from "./loader";
export { CpioHeader, cpioParse, cpioProblem, cpioIsTrailer, cpioBodySum } from "./header";
export * from "./format";
export { cpioFstabInit } from "./extract";

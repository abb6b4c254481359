// test/9p/as/qemu-entry.ts — a kernel image (entry + app in one file) that
// runs a guest-side test table over real virtio-9p shares under QEMU:
// ramfs at "/", share "fs0" read-write at /mnt, share "fs1" read-only at /ro.
// Prints `name ... ok` / `name ... FAIL <why>` and exits with the number of
// failures; test/9p/qemu.test.ts then checks the host directories too.
import { kernelMain, println, print, printU64, uptimeUs, tscKhz, tscSource } from "../../../kernel/index";
import {
  DirEntry, Stat, VRef, errnoName, vfsClose, vfsLink, vfsMkdir, vfsMount, vfsOpen, vfsRead,
  vfsReaddir, vfsReadlink, vfsRename, vfsStat, vfsSymlink, vfsTruncate, vfsUnlink, vfsWrite,
  vfsRmdir, vfsPread, vfsLstat, O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_APPEND, O_TRUNC, S_IFMT, S_IFREG,
  S_IFLNK, S_IFDIR,
} from "../../../kernel/vfs/index";
import { RamFs } from "../../../fs/ramfs/index";
import { p9fsMount, MS_RDONLY } from "../../../fs/9pfs/index";
import { PciDevice, pciScan, pciBar, pciSetBar, pciBarBelow4G, PCI_BAR_MEM64, PCI_HOLE_START } from "../../../drivers/pci/index";
import { MICROVM_MMIO_BASE, MICROVM_MMIO_STRIDE, VirtioPci, VIRTIO_TRANSPORT_MMIO, VIRTIO_TRANSPORT_PCI } from "../../../drivers/virtio/index";
import { v9pDevices } from "../../../drivers/virtio-9p/index";

export function asuk_main(magic: u32, mbi: u32, tsc0: u64, imageEnd: u32): i32 {
  return kernelMain(magic, mbi, tsc0, imageEnd, main);
}

let failures = 0;
function check(name: string, why: string): void {
  print(name);
  if (why == "") println(" ... ok");
  else { failures++; println(" ... FAIL " + why); }
}
function err(what: string, r: i64): string { return r < 0 ? what + ": " + errnoName(<i32>r) : what + " = " + r.toString(); }

function writeFile(path: string, s: string, flags: i32): i64 {
  let fd = vfsOpen(path, O_WRONLY | O_CREAT | flags, 0o644);
  if (fd < 0) return fd;
  let b = String.UTF8.encode(s);
  let n = vfsWrite(fd, changetype<usize>(b), b.byteLength);
  vfsClose(fd);
  return n;
}

function readFile(path: string, out: VRef): i64 {
  let fd = vfsOpen(path, O_RDONLY, 0);
  if (fd < 0) return fd;
  let buf = new ArrayBuffer(65536);
  let n = vfsRead(fd, changetype<usize>(buf), 65536);
  vfsClose(fd);
  if (n >= 0) out.str = String.UTF8.decodeUnsafe(changetype<usize>(buf), <usize>n);
  return n;
}

function testRead(): string {
  let v = new VRef();
  let n = readFile("/mnt/hello.txt", v);
  if (n < 0) return err("read", n);
  if (v.str != "hello from the host\n") return "content '" + v.str + "'";
  let st = new Stat();
  let r = vfsStat("/mnt/hello.txt", st);
  if (r < 0) return err("stat", r);
  if (st.size != 20 || (st.mode & S_IFMT) != S_IFREG || (st.mode & 0o777) != 0o640) return "stat size/mode " + st.size.toString() + " " + st.mode.toString(8);
  return "";
}

/** The number in "f<digits>" without allocating (-1 if not that shape). */
function nameNumber(s: string): i64 {
  if (s.length < 2 || s.charCodeAt(0) != 0x66) return -1;
  let v: i64 = 0;
  for (let i = 1; i < s.length; i++) v = v * 10 + <i64>(s.charCodeAt(i) - 0x30);
  return v;
}

/**
 * Lists /mnt/many (10,000 host files). `collect`: run a full GC first — the
 * incremental GC mid-cycle makes every allocation cost ~100 us here (see the
 * report), so the list is timed both ways.
 */
function listMany(collect: bool): string {
  if (collect) __collect();
  let fd = vfsOpen("/mnt/many", O_RDONLY, 0);
  if (fd < 0) return err("open dir", fd);
  let e = new DirEntry();
  let count = 0;
  let sum: i64 = 0;
  let t0 = uptimeUs();
  let tFirst: u64 = 0;
  let r: i32;
  while ((r = vfsReaddir(fd, e)) == 1) {
    if (count == 0) tFirst = uptimeUs() - t0;
    count++;
    sum += nameNumber(e.name);
  }
  let us = uptimeUs() - t0;
  vfsClose(fd);
  if (r < 0) return err("readdir", r);
  print(collect ? "bench list (after a full GC) " : "bench list ");
  printU64(<u64>count);
  print(" entries in ");
  printU64(us);
  print(" us (first entry ");
  printU64(tFirst);
  println(" us)");
  if (count != 10000) return "count " + count.toString();
  if (sum != <i64>9999 * 10000 / 2) return "names sum " + sum.toString();
  return "";
}

function testList(): string {
  let r = listMany(false);
  return r != "" ? r : listMany(true);
}

function testWrite(): string {
  let n = writeFile("/mnt/out.txt", "written by asuk\n", O_TRUNC);
  if (n != 16) return err("write", n);
  n = writeFile("/mnt/out.txt", "appended\n", O_APPEND);
  if (n != 9) return err("append", n);
  let v = new VRef();
  n = readFile("/mnt/out.txt", v);
  if (v.str != "written by asuk\nappended\n") return "read back '" + v.str + "'";
  return "";
}

const BIG: usize = 3 * 1024 * 1024 + 12345;
function pattern(i: usize): u8 { return <u8>((i * 7 + (i >> 9)) & 0xff); }

function testBig(): string {
  let buf = heap.alloc(BIG);
  for (let i: usize = 0; i < BIG; i++) store<u8>(buf + i, pattern(i));
  let fd = vfsOpen("/mnt/big.bin", O_RDWR | O_CREAT | O_TRUNC, 0o644);
  if (fd < 0) return err("open", fd);
  let t0 = uptimeUs();
  let n = vfsWrite(fd, buf, BIG);
  let t1 = uptimeUs();
  if (n != <i64>BIG) return err("write", n);
  memory.fill(buf, 0, BIG);
  let m = vfsPread(fd, buf, BIG + 100, 0);
  let t2 = uptimeUs();
  vfsClose(fd);
  if (m != <i64>BIG) return err("read", m);
  for (let i: usize = 0; i < BIG; i++) if (load<u8>(buf + i) != pattern(i)) return "byte " + i.toString();
  print("bench big write ");
  printU64(t1 - t0);
  print(" us read ");
  printU64(t2 - t1);
  println(" us");
  heap.free(buf);
  return "";
}

/** Reads /mnt/in64.bin (64 MiB from the host) and writes it back as /mnt/out64.bin; the host compares SHA-256. */
function test64(): string {
  const N: usize = 64 << 20;
  let buf = heap.alloc(N);
  let fd = vfsOpen("/mnt/in64.bin", O_RDONLY, 0);
  if (fd < 0) return err("open in", fd);
  let t0 = uptimeUs();
  let n = vfsRead(fd, buf, N);
  let t1 = uptimeUs();
  vfsClose(fd);
  if (n != <i64>N) return err("read", n);
  fd = vfsOpen("/mnt/out64.bin", O_WRONLY | O_CREAT | O_TRUNC, 0o644);
  if (fd < 0) return err("open out", fd);
  let t2 = uptimeUs();
  let m = vfsWrite(fd, buf, N);
  let t3 = uptimeUs();
  vfsClose(fd);
  heap.free(buf);
  if (m != <i64>N) return err("write", m);
  print("bench 64MiB read ");
  printU64(t1 - t0);
  print(" us write ");
  printU64(t3 - t2);
  println(" us");
  return "";
}

function testNames(): string {
  let r = vfsMkdir("/mnt/newdir", 0o755);
  if (r < 0) return err("mkdir", r);
  let n = writeFile("/mnt/newdir/a.txt", "A", 0);
  if (n != 1) return err("create", n);
  r = vfsRename("/mnt/newdir/a.txt", "/mnt/newdir/b.txt");
  if (r < 0) return err("rename", r);
  let st = new Stat();
  if (vfsStat("/mnt/newdir/a.txt", st) != -2) return "old name still there";
  r = vfsStat("/mnt/newdir/b.txt", st);
  if (r < 0 || st.size != 1) return err("stat new", r);
  r = vfsSymlink("b.txt", "/mnt/newdir/link");
  if (r < 0) return err("symlink", r);
  let v = new VRef();
  r = vfsReadlink("/mnt/newdir/link", v);
  if (r < 0 || v.str != "b.txt") return err("readlink", r) + " " + v.str;
  r = vfsLstat("/mnt/newdir/link", st);
  if (r < 0 || (st.mode & S_IFMT) != S_IFLNK) return "lstat link";
  let rv = new VRef();
  let m = readFile("/mnt/newdir/link", rv);
  if (m != 1 || rv.str != "A") return err("read via link", m);
  r = vfsLink("/mnt/newdir/b.txt", "/mnt/newdir/hard");
  if (r < 0) return err("link", r);
  r = vfsStat("/mnt/newdir/hard", st);
  if (r < 0 || st.nlink != 2) return "nlink " + st.nlink.toString();
  n = writeFile("/mnt/gone.txt", "x", 0);
  r = vfsUnlink("/mnt/gone.txt");
  if (r < 0) return err("unlink", r);
  r = vfsMkdir("/mnt/gonedir", 0o755);
  r = vfsRmdir("/mnt/gonedir");
  if (r < 0) return err("rmdir", r);
  r = vfsRename("/mnt/newdir", "/mnt/moved");
  if (r < 0) return err("rename dir", r);
  r = vfsStat("/mnt/moved/b.txt", st);
  if (r < 0) return err("stat after dir rename", r);
  r = vfsStat("/mnt/moved/../hello.txt", st);
  if (r < 0) return err("dotdot", r);
  n = writeFile("/mnt/trunc.txt", "0123456789", 0);
  r = vfsTruncate("/mnt/trunc.txt", 4);
  if (r < 0) return err("truncate", r);
  r = vfsStat("/mnt/trunc.txt", st);
  if (st.size != 4) return "truncated size " + st.size.toString();
  if (vfsStat("/mnt/nothere", st) != -2) return "missing file not ENOENT";
  return "";
}

function testReadonly(): string {
  let v = new VRef();
  let n = readFile("/ro/keep.txt", v);
  if (n < 0 || v.str != "keep me\n") return err("read ro", n);
  let fd = vfsOpen("/ro/keep.txt", O_WRONLY, 0);
  if (fd >= 0) {
    let b = String.UTF8.encode("zap");
    let w = vfsWrite(fd, changetype<usize>(b), 3);
    vfsClose(fd);
    if (w != -30) return err("write on ro", w);
  } else if (fd != -30) return err("open ro for write", fd);
  let r = writeFile("/ro/new.txt", "x", 0);
  if (r != -30) return err("create on ro", r);
  if (vfsMkdir("/ro/d", 0o755) != -30) return "mkdir on ro";
  if (vfsUnlink("/ro/keep.txt") != -30) return "unlink on ro";
  if (vfsRename("/ro/keep.txt", "/ro/k2") != -30) return "rename on ro";
  if (vfsTruncate("/ro/keep.txt", 0) != -30) return "truncate on ro";
  return "";
}

/**
 * Two virtio-9p devices. On PCI (-M pc): two functions on bus 0; reports where
 * the firmware put BAR4 (virtio modern structures) and moves one BAR high and
 * back. On -M microvm (no PCI bus): two modern virtio-mmio devices in QEMU's
 * window, found and brought up through the same driver table.
 */
function testDevices(): string {
  let all = pciScan();
  let mmio = all.length == 0;
  let r = mmio ? "" : testPciBars(all);
  if (r.length > 0) return r;
  let v = v9pDevices();
  if (v.length != 2) return "initialised " + v.length.toString();
  for (let i = 0; i < v.length; i++) {
    let t = v[i].transport;
    if (t.deviceId != 9) return "device id " + t.deviceId.toString();
    if (mmio) {
      if (t.kind != VIRTIO_TRANSPORT_MMIO) return "not an mmio transport";
      if (t.location < MICROVM_MMIO_BASE || t.location >= MICROVM_MMIO_BASE + 24 * MICROVM_MMIO_STRIDE) return "mmio at 0x" + t.location.toString(16);
    } else {
      if (t.kind != VIRTIO_TRANSPORT_PCI) return "not a pci transport";
      if (changetype<VirtioPci>(t).common >= 0x100000000) return "common cfg above 4 GiB";
    }
    if (v[i].tag != (i == 0 ? "fs0" : "fs1")) return "tag '" + v[i].tag + "' at " + i.toString(); // found in -device order
  }
  print("\nbench virtio ");
  println(mmio ? "mmio" : "pci");
  return "";
}

function testPciBars(all: PciDevice[]): string {
  let found = 0;
  for (let i = 0; i < all.length; i++) {
    let d = all[i];
    if (d.vendor != 0x1af4 || (d.device != 0x1009 && d.device != 0x1049)) continue;
    found++;
    let b = pciBar(d, 4);
    print("\nbench pci ");
    printU64(<u64>d.dev);
    print(" device 0x");
    print(d.device.toString(16));
    print(" bar4 0x");
    print(b.base.toString(16));
    print(" size ");
    printU64(b.size);
    println(b.kind == PCI_BAR_MEM64 ? " mem64" : " other");
    if (b.kind != PCI_BAR_MEM64 || b.size == 0) return "bar4 not a 64-bit memory BAR";
    if (found == 2) {
      // as firmware that maps 64-bit BARs high would: move it to 32 GiB, then back below 4 GiB
      pciSetBar(d, 4, b, 0x800000000);
      if (pciBar(d, 4).base != 0x800000000) return "BAR4 did not take a 64-bit address";
      let nb = pciBarBelow4G(d, 4);
      if (nb === null) return "no room below 4 GiB";
      if (nb.base < PCI_HOLE_START || nb.base + nb.size > 0xfec00000) return "moved to 0x" + nb.base.toString(16);
      if (pciBar(d, 4).base != nb.base) return "BAR4 readback";
      print("\nbench pci moved bar4 to 0x");
      println(nb.base.toString(16));
    }
  }
  return found != 2 ? "found " + found.toString() : "";
}

function main(args: string[]): i32 {
  uptimeUs(); // calibrates the TSC now, so it is not inside a measurement
  print("\nbench tsc ");
  printU64(tscKhz());
  print(" kHz source ");
  printU64(<u64>tscSource());
  println("");
  let r = vfsMount("/", new RamFs());
  if (r == 0) r = vfsMkdir("/mnt", 0o755);
  if (r == 0) r = vfsMkdir("/ro", 0o755);
  if (r < 0) { check("setup", err("ramfs", r)); return 1; }
  check("virtio-9p devices", testDevices());
  check("mount rw", (r = p9fsMount("fs0", "/mnt", 0)) == 0 ? "" : err("mount", r));
  check("mount ro", (r = p9fsMount("fs1", "/ro", MS_RDONLY)) == 0 ? "" : err("mount", r));
  check("missing tag", (r = p9fsMount("nosuchtag", "/ro", 0)) == -19 ? "" : err("mount", r));
  check("read", testRead());
  check("list 10000", testList());
  check("write append", testWrite());
  check("big split", testBig());
  check("64 MiB", test64());
  check("names", testNames());
  check("readonly", testReadonly());
  println(failures == 0 ? "all ok" : "failures: " + failures.toString());
  return failures;
}

// kernel/console.ts — the serial console on COM1 (16550 UART at 0x3f8).
//
// Everything here is allocation-free so that panic paths may use it:
// strings are walked code unit by code unit (UTF-16 -> UTF-8), numbers are
// formatted into a static scratch buffer (memory.data), never the heap.
// "\n" is sent as "\r\n" (serial terminals need the carriage return).
//
// Diagnostics (timings, driver notes) are a second channel, off unless the
// kernel option `asuk.verbose=1` is given: diag*() write to QEMU's debugcon
// port 0xe9 (`-device isa-debugcon,iobase=0xe9`), which the host wires to its
// stderr, never to COM1, so the app's output on the console stays its own.
import { inb, outb } from "./hw";

// 16550 registers, offsets from the base port (PC16550D datasheet, Table II).
export const COM1: u16 = 0x3f8;
const REG_DATA: u16 = 0; // THR (write) / RBR (read); divisor low when DLAB=1
const REG_IER: u16 = 1; // interrupt enable; divisor high when DLAB=1
const REG_FCR: u16 = 2; // FIFO control
const REG_LCR: u16 = 3; // line control
const REG_MCR: u16 = 4; // modem control
const REG_LSR: u16 = 5; // line status
const LCR_DLAB: u8 = 0x80;
const LCR_8N1: u8 = 0x03; // 8 data bits, no parity, 1 stop bit
const FCR_ENABLE_CLEAR: u8 = 0xc7; // enable FIFO, clear RX/TX, 14-byte trigger
const MCR_DTR_RTS_OUT2: u8 = 0x0b;
const LSR_THR_EMPTY: u8 = 0x20; // bit 5: transmit holding register empty
const LSR_TX_IDLE: u8 = 0x40; // bit 6: transmitter empty (THR and shift register)
// Scratch for number formatting: 20 decimal digits of a u64 + sign.
const numBuf = memory.data(32);

/** QEMU's debug console port (isa-debugcon): a byte written is a byte out. */
export const DEBUGCON: u16 = 0xe9;
let diagOn = false;

/** Turns the diagnostics channel on or off (kernel/main: option asuk.verbose=1). */
export function diagEnable(on: bool): void { diagOn = on; }
/** Whether diagnostics are on: callers may skip work that only feeds them. */
export function diagEnabled(): bool { return diagOn; }

/** Writes a string (its low bytes: diagnostics are ASCII) to the diagnostics channel when on. */
export function diagPrint(s: string): void {
  if (!diagOn) return;
  for (let i = 0; i < s.length; i++) outb(DEBUGCON, <u8>s.charCodeAt(i));
}

/** Writes an unsigned decimal to the diagnostics channel when on. Does not allocate. */
export function diagU64(v: u64): void {
  if (!diagOn) return;
  let i = 32;
  do {
    store<u8>(numBuf + <usize>(--i), <u8>(0x30 + <u32>(v % 10)));
    v /= 10;
  } while (v != 0);
  for (; i < 32; i++) outb(DEBUGCON, load<u8>(numBuf + <usize>i));
}

/** diagPrint and a newline. */
export function diagLine(s: string): void {
  if (!diagOn) return;
  diagPrint(s);
  outb(DEBUGCON, 0x0a);
}

/** Programs COM1 for 115200 8N1 with FIFO. Safe to call more than once. */
export function consoleInit(): void {
  outb(COM1 + REG_IER, 0); // no interrupts: we poll
  outb(COM1 + REG_LCR, LCR_DLAB);
  outb(COM1 + REG_DATA, 1); // divisor 1 = 115200 baud (1.8432 MHz / 16)
  outb(COM1 + REG_IER, 0);
  outb(COM1 + REG_LCR, LCR_8N1);
  outb(COM1 + REG_FCR, FCR_ENABLE_CLEAR);
  outb(COM1 + REG_MCR, MCR_DTR_RTS_OUT2);
}

/**
 * Writes one byte, waiting for the transmit holding register to empty (LSR
 * bit 5) however long the host takes to read: console output is never
 * dropped. A port with no UART behind it reads 0xff, so this cannot hang.
 */
export function putByte(b: u32): void {
  while ((inb(COM1 + REG_LSR) & LSR_THR_EMPTY) == 0) {}
  outb(COM1 + REG_DATA, <u8>b);
}

/** Waits until the UART has sent everything (before power-off). */
export function consoleFlush(): void {
  while ((inb(COM1 + REG_LSR) & LSR_TX_IDLE) == 0) {}
}

/** Writes a Unicode code point as UTF-8 (RFC 3629 §3); "\n" becomes "\r\n". */
export function putCodePoint(c: u32): void {
  if (c < 0x80) {
    if (c == 0x0a) putByte(0x0d);
    putByte(c);
  } else if (c < 0x800) {
    putByte(0xc0 | (c >> 6));
    putByte(0x80 | (c & 0x3f));
  } else if (c < 0x10000) {
    putByte(0xe0 | (c >> 12));
    putByte(0x80 | ((c >> 6) & 0x3f));
    putByte(0x80 | (c & 0x3f));
  } else {
    putByte(0xf0 | (c >> 18));
    putByte(0x80 | ((c >> 12) & 0x3f));
    putByte(0x80 | ((c >> 6) & 0x3f));
    putByte(0x80 | (c & 0x3f));
  }
}

/**
 * Prints `len` UTF-16 code units at `p` as UTF-8. A surrogate pair becomes one
 * 4-byte sequence; a lone surrogate becomes U+FFFD. Does not allocate.
 */
export function printUtf16(p: usize, len: i32): void {
  for (let i = 0; i < len; i++) {
    let c = <u32>load<u16>(p + (<usize>i << 1));
    if (c >= 0xd800 && c < 0xe000) {
      let d: u32 = i + 1 < len ? <u32>load<u16>(p + (<usize>(i + 1) << 1)) : 0;
      if (c < 0xdc00 && d >= 0xdc00 && d < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else {
        c = 0xfffd;
      }
    }
    putCodePoint(c);
  }
}

/** Prints a string (UTF-8 on the wire). Does not allocate. */
export function print(s: string): void {
  printUtf16(changetype<usize>(s), s.length);
}

/** Prints a string and a newline. Does not allocate. */
export function println(s: string): void {
  print(s);
  putCodePoint(0x0a);
}

/** Prints `len` raw bytes at `p` (e.g. a UTF-8 C string from the boot loader). */
export function printBytes(p: usize, len: usize): void {
  for (let i: usize = 0; i < len; i++) {
    let b = <u32>load<u8>(p + i);
    if (b == 0x0a) putByte(0x0d);
    putByte(b);
  }
}


/** Prints an unsigned decimal. Does not allocate. */
export function printU64(v: u64): void {
  let i = 32;
  do {
    store<u8>(numBuf + <usize>(--i), <u8>(0x30 + <u32>(v % 10)));
    v /= 10;
  } while (v != 0);
  printBytes(numBuf + <usize>i, <usize>(32 - i));
}

/** Prints a signed decimal. Does not allocate. */
export function printI64(v: i64): void {
  if (v < 0) {
    putByte(0x2d);
    printU64(<u64>0 - <u64>v); // also right for i64.MIN_VALUE
  } else {
    printU64(<u64>v);
  }
}

/** Prints "0x" and `v` in lowercase hex, at least `width` digits (1..16). Does not allocate. */
export function printHex(v: u64, width: i32 = 1): void {
  putByte(0x30);
  putByte(0x78);
  let digits = 16;
  while (digits > 1 && (v >> (<u64>(digits - 1) << 2)) == 0) digits--;
  if (width > 16) width = 16;
  if (digits < width) digits = width;
  for (let i = digits - 1; i >= 0; i--) {
    let d = <u32>((v >> (<u64>i << 2)) & 0xf);
    putByte(d < 10 ? 0x30 + d : 0x57 + d);
  }
}

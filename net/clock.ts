// net/clock.ts — the stack's clock (microseconds) and its counters.
// The clock is kernel/time's uptimeUs() unless a test installs another.
import { uptimeUs } from "../kernel/time";

export type NetClock = () => u64;
function defaultClock(): u64 { return uptimeUs(); }
let clock: NetClock = defaultClock;
/** Replaces the clock (tests drive time by hand). */
export function netSetClock(c: NetClock): void { clock = c; }
export function nowUs(): u64 { return clock(); }

// ---- counters (netCounter(name) reads them) ----
export const C_RX: i32 = 0;
export const C_TX: i32 = 1;
export const C_TX_FULL: i32 = 2;
export const C_RX_BAD: i32 = 3;
export const C_RX_BAD_CSUM: i32 = 4;
export const C_IP_FRAG: i32 = 5;
export const C_SYN_DROPPED: i32 = 6;
export const C_RETRANSMIT: i32 = 7;
export const C_FAST_RETRANSMIT: i32 = 8;
export const C_RST_SENT: i32 = 9;
export const C_ARP_DROPPED: i32 = 10;
export const C_UDP_NOPORT: i32 = 11;
export const C_UDP_DROPPED: i32 = 12;
export const C_ICMP_ECHO: i32 = 13;
export const C_RTO: i32 = 14;
export const C_ACCEPT_OVERFLOW: i32 = 15;
const NAMES: string[] = [
  "rx", "tx", "tx_full", "rx_bad", "rx_bad_csum", "ip_frag_dropped", "syn_dropped", "retransmit",
  "fast_retransmit", "rst_sent", "arp_dropped", "udp_noport", "udp_dropped", "icmp_echo", "rto",
  "accept_overflow",
];
const counters = new StaticArray<u64>(16);

// @ts-ignore: decorator
@inline export function count(i: i32): void { unchecked(counters[i] += 1); }
export function counterByName(name: string): u64 {
  for (let i = 0; i < NAMES.length; i++) if (NAMES[i] == name) return counters[i];
  return 0;
}

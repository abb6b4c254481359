// drivers/virtio-net/csum.ts — the Internet checksum (RFC 1071) the driver
// completes itself: a received frame flagged NEEDS_CSUM (virtio 1.2
// §5.1.6.4.1), or a frame sent with an offload the device did not accept.

/**
 * Sums frame[start..len) into the 16-bit field at start + offset (which
 * holds the pseudo-header sum on entry) and stores the final checksum there.
 * Returns false (nothing written) when the field lies outside the frame.
 */
export function csumFill(frame: usize, len: i32, start: i32, offset: i32): bool {
  if (start < 0 || offset < 0 || start + offset + 2 > len) return false;
  let sum: u64 = 0;
  let p = frame + <usize>start;
  let end = frame + <usize>len;
  while (p + 8 <= end) { let w = load<u64>(p); sum += (w & 0xffffffff) + (w >> 32); p += 8; }
  while (p + 2 <= end) { sum += <u64>load<u16>(p); p += 2; }
  if (p < end) sum += <u64>load<u8>(p);
  while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
  store<u16>(frame + <usize>(start + offset), ~<u16>sum);
  return true;
}

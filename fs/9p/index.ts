// fs/9p — the 9P2000.L message codec: pure, no I/O, testable under Node.
//
//   layout.ts   the wire format: byte layouts of every message used, message
//               numbers, flag values, P9_FAULT_* reasons
//   encode.ts   P9Msg + p9T*: T-messages into a caller's buffer
//   decode.ts   P9Reply + p9R*: header checks (size, tag, type), Rlerror ->
//               -errno, every field bounds-checked against size[4]
//
// Callers: fs/9pfs (the client: fids, tags, msize) builds a T-message, hands
// the bytes to a transport (drivers/virtio-9p), and decodes what comes back.
// This folder knows nothing of virtio.

export {
  P9Msg, p9Utf8Len, p9Tversion, p9Tattach, p9Twalk, p9Twalk1, p9Tlopen, p9Tlcreate, p9Tread,
  p9Twrite, p9TwriteHead, p9Treaddir, p9Tgetattr, p9Tsetattr, p9Tmkdir, p9Tunlinkat,
  p9Trenameat, p9Tsymlink, p9Treadlink, p9Tstatfs, p9Tclunk, p9Tlink, p9Tfsync,
} from "./encode";
export {
  P9Reply, P9Qid, P9Open, P9Version, P9Attr, P9StatFs, P9Dirent,
  p9Rversion, p9Rattach, p9Rmkdir, p9Rsymlink, p9Rwalk, p9Rlopen, p9Rlcreate, p9Rread,
  p9Rreaddir, p9DirNext, p9Rwrite, p9Rgetattr, p9Rstatfs, p9Rreadlink, p9Rsetattr,
  p9Runlinkat, p9Rrenameat, p9Rlink, p9Rfsync, p9Rclunk,
} from "./decode";
export * from "./layout";

// wasi/ — WASI preview1 (witx wasi_snapshot_preview1) written once, in
// AssemblyScript, as a Wasm module of its own. tools/aot compiles it beside
// the app; every `wasi_snapshot_preview1.*` import of the app is linked to the
// export of the same name here (tools/aot/linux/layer.ts).
//
// Layers, top to bottom:
//   index.ts   the exports (this file) and start-up (fd.ts fdInit)
//   misc.ts    args, environ, clocks, random, proc_*, sched_yield
//   files.ts   fd_* on open descriptors
//   paths.ts   path_* (capability rules: everything resolves beneath its fd)
//   poll.ts    poll_oneoff, sock_*
//   fd.ts      the descriptor table, options (--dir, --env), preopens
//   stat.ts    struct stat -> filestat, fd/rights checks;  rights.ts, errno.ts
//   host.ts    the machine below: raw syscalls (linux.ts numbers), copies
//              in and out of the app's memory with bounds checks
// host.ts is the seam for other machines: the unikernel would give the same
// host.* functions over its VFS instead of Linux syscalls (not done yet).

import { fdInit } from './fd';

export { args_get, args_sizes_get, environ_get, environ_sizes_get, clock_res_get, clock_time_get,
  random_get, proc_exit, proc_raise, sched_yield } from './misc';
export { fd_read, fd_write, fd_pread, fd_pwrite, fd_seek, fd_tell, fd_close, fd_renumber, fd_sync, fd_datasync,
  fd_fdstat_get, fd_fdstat_set_flags, fd_fdstat_set_rights, fd_filestat_get, fd_filestat_set_size,
  fd_filestat_set_times, fd_advise, fd_allocate, fd_prestat_get, fd_prestat_dir_name, fd_readdir } from './files';
export { path_open, path_filestat_get, path_filestat_set_times, path_create_directory, path_remove_directory,
  path_unlink_file, path_rename, path_link, path_symlink, path_readlink } from './paths';
export { poll_oneoff, sock_accept, sock_recv, sock_send, sock_shutdown } from './poll';

fdInit();

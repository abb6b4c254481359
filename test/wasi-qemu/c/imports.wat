;; test/wasi-qemu/c/imports.wat — a command importing what the kernel does
;; not give: every such import must be named in one error (exit 1).
(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "no_such_call" (func))
  (import "env" "host_thing" (func (param i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func (param i64)))
  (memory (export "memory") 1)
  (func (export "_start")))

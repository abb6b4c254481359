;; pass: pins -- loop locals kept in registers (saved and reloaded around the call).
;; off: inline ($g is a small leaf: the call is the point here)
(module
  (func $g (param i32) (result i32) (local.get 0))
  (func (export "f") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (loop $L
      (local.set $s (i32.add (local.get $s) (call $g (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $L (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $s)))

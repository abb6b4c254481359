;; pass: callSaves -- $a and $i are read only before the calls loop: neither saved nor reloaded around $g there.
(module
  (func $g (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "f") (param $n i32) (result i32) (local $a i32) (local $i i32) (local $s i32)
    (loop $L1
      (local.set $a (i32.add (local.get $a) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $L1 (i32.lt_u (local.get $i) (local.get $n))))
    (local.set $s (local.get $a))
    (loop $L2
      (local.set $s (call $g (local.get $s)))
      (br_if $L2 (i32.lt_u (local.get $s) (i32.const 100000))))
    (local.get $s)))

;; A call `unreachable` follows (asc's stack check calling abort) never comes back: it neither
;; saves nor reloads the locals pinned in caller-saved registers around it, nor keeps them from
;; those registers ($a $i $x $y are in r10 r8 rbx r9, not spilled around the call); the then-arm
;; ending in unreachable goes out of line (pass coldThen).
;; off: inline
(module
  (func $abort (param i32))
  (func (export "f") (param $n i32) (result i32) (local $a i32) (local $i i32) (local $x i32) (local $y i32)
    (loop $L
      (local.set $a (i32.add (local.get $a) (local.get $i)))
      (local.set $x (i32.xor (local.get $x) (local.get $a)))
      (local.set $y (i32.add (local.get $y) (local.get $x)))
      (if (i32.gt_u (local.get $y) (i32.const 1000000))
        (then (call $abort (local.get $y)) (unreachable)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $L (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add (local.get $a) (i32.add (local.get $x) (local.get $y)))))

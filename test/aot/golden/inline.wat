;; pass: inline -- $clamp (a small leaf that cannot trap, so the kernel target inlines it too) compiled inside the loop of "f": its parameters are read from the arguments' locals in place ($i, $n), its local becomes one of f's, no call, no frame of its own; a `return` is a branch to the end of its body.
(module
  (func $clamp (param $a i32) (param $b i32) (result i32) (local $d i32)
    (local.set $d (i32.sub (local.get $a) (local.get $b)))
    (if (i32.lt_s (local.get $d) (i32.const 0)) (then (return (i32.const 0))))
    (i32.and (local.get $d) (i32.const 255)))
  (func (export "f") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (loop $L
      (local.set $s (i32.add (local.get $s) (call $clamp (local.get $i) (local.get $n))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $L (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $s)))

;; pass: callSaves -- $s is set from the call's result: neither saved before nor reloaded after $g ($b $c $d hold the callee-saved registers r12-r14, so $s is in a caller-saved one).
;; off: inline ($g is a small leaf: the call is the point here)
(module
  (func $g (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "f") (param $n i32) (result i32) (local $a i32) (local $i i32) (local $s i32) (local $b i32) (local $c i32) (local $d i32)
    (loop $L1
      (local.set $a (i32.add (local.get $a) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $L1 (i32.lt_u (local.get $i) (local.get $n))))
    (local.set $b (local.get $a))
    (loop $L2
      (local.set $c (i32.xor (local.get $c) (local.get $b)))
      (local.set $d (i32.add (local.get $d) (i32.mul (local.get $c) (local.get $b))))
      (local.set $b (i32.add (local.get $b) (local.get $d)))
      (local.set $s (call $g (local.get $b)))
      (br_if $L2 (i32.lt_u (local.get $s) (i32.const 100000))))
    (i32.add (local.get $s) (i32.add (local.get $b) (i32.add (local.get $c) (local.get $d))))))

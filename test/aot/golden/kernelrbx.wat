;; pass: kernelRbx -- seven integer locals live across one loop, no hw instruction inlined: on the kernel rbx holds one (with the pass off, rdi: pinRdi).
(module
  (memory 1)
  (func (export "f") (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32) (local $i i32)
    (loop $L
      (local.set $a (i32.add (local.get $a) (local.get $i)))
      (local.set $b (i32.xor (local.get $b) (local.get $a)))
      (local.set $c (i32.add (local.get $c) (local.get $b)))
      (local.set $d (i32.add (i32.mul (local.get $d) (i32.const 3)) (local.get $c)))
      (local.set $e (i32.sub (local.get $e) (local.get $d)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $L (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add (i32.add (local.get $a) (local.get $b)) (i32.add (i32.add (local.get $c) (local.get $d)) (local.get $e)))))

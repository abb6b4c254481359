;; pass: inline -- $cmp (a small leaf) compiled inside the loop of "f": its parameters and local become f's locals, no call, no frame of its own; a `return` is a branch to the end of its body.
(module
  (memory 1)
  (func $cmp (param $a i32) (param $b i32) (result i32) (local $d i32)
    (local.set $d (i32.sub (i32.load8_u (local.get $a)) (i32.load8_u (local.get $b))))
    (if (local.get $d) (then (return (local.get $d))))
    (i32.sub (local.get $a) (local.get $b)))
  (func (export "f") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (loop $L
      (local.set $s (i32.add (local.get $s) (call $cmp (local.get $i) (local.get $n))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $L (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $s)))

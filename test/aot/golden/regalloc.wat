;; pass: regalloc -- two loops over different locals: with live ranges the second loop's locals take the first loop's registers (all in registers); whole-function pins leave three in frame slots.
(module
  (memory 1)
  (func (export "f") (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $i i32)
    (local $e i32) (local $f i32) (local $g i32) (local $h i32) (local $j i32)
    (loop $L1
      (local.set $a (i32.add (local.get $a) (local.get $i)))
      (local.set $b (i32.xor (local.get $b) (local.get $a)))
      (local.set $c (i32.add (local.get $c) (local.get $b)))
      (local.set $d (i32.add (i32.mul (local.get $d) (i32.const 3)) (local.get $c)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $L1 (i32.lt_u (local.get $i) (local.get $n))))
    (i32.store (i32.const 0) (i32.add (i32.add (local.get $a) (local.get $b)) (i32.add (local.get $c) (local.get $d))))
    (local.set $e (i32.const 7))
    (loop $L2
      (local.set $e (i32.add (local.get $e) (local.get $j)))
      (local.set $f (i32.xor (local.get $f) (local.get $e)))
      (local.set $g (i32.add (local.get $g) (local.get $f)))
      (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 5)) (local.get $g)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br_if $L2 (i32.lt_u (local.get $j) (local.get $n))))
    (i32.add (i32.load (i32.const 0)) (i32.add (i32.add (local.get $e) (local.get $f)) (i32.add (local.get $g) (local.get $h))))))

;; pass: lazyLocals -- $s and $k are read before a value if and used after it (`s + (k odd ? k * k : 5)`): nothing in the if writes them and both live across the loop, so the reads stay reads of their registers; with the pass off both are copied to frame slots at the if's entry and loaded back for the add.
(module
  (memory 1)
  (func (export "f") (param $n i32) (result i32) (local $s i32) (local $k i32)
    (loop $l
      (i32.store (i32.const 16)
        (i32.add (local.get $s)
          (i32.add (local.get $k)
            (if (result i32) (i32.and (local.get $k) (i32.const 1))
              (then (i32.mul (local.get $k) (local.get $k)))
              (else (i32.const 5))))))
      (local.set $s (i32.xor (local.get $s) (i32.load (i32.const 16))))
      (br_if $l (i32.lt_u (local.tee $k (i32.add (local.get $k) (i32.const 1))) (local.get $n))))
    (local.get $s)))

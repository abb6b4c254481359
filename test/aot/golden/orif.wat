;; pass: orIf -- `if (c == 45 || c - 48 < 10)` with the first boolean teed to a local (asc's shape):
;; a true first compare jumps into the then-arm, the second branches to the else.
(module
  (func (export "signOrDigit") (param $c i32) (param $k i32) (result i32)
    (local $neg i32)
    (if (i32.or (local.tee $neg (i32.eq (local.get $c) (i32.const 45)))
                (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10)))
      (then (return (i32.add (local.get $k) (local.get $neg)))))
    (if (result i32) (i32.or (i32.eq (local.get $c) (i32.const 110)) (i32.eq (local.get $c) (i32.const 116)))
      (then (i32.add (local.get $k) (i32.const 4)))
      (else (i32.add (local.get $k) (i32.const 5))))))

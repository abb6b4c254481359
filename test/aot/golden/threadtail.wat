;; pass: threadTail -- thread.wat's dispatch in a rotated `while (k < n)` loop, as asc emits parse's. The `ja` (c > 58) goes to a copy of `tokens++`, of the rest of the chain (the 't'/'n' test and both arms) and of the loop header as `cmp; jge exit`, placed right before the loop's body (int3 padding first, which the first header jumps over) so that it falls into the next iteration: a bracket takes one taken branch, the `ja`.
(module
  (func (export "scan") (param $p i32) (param $n i32) (result i32) (local $k i32) (local $c i32) (local $t i32) (local $neg i32)
    (loop $L
      (if (i32.lt_s (local.get $k) (local.get $n))
        (then
          (local.set $c (i32.and (i32.add (local.get $p) (local.get $k)) (i32.const 127)))
          (if (i32.or (i32.or (i32.or (i32.eq (local.get $c) (i32.const 10)) (i32.eq (local.get $c) (i32.const 32)))
                (i32.eq (local.get $c) (i32.const 44))) (i32.eq (local.get $c) (i32.const 58)))
            (then (local.set $k (i32.add (local.get $k) (i32.const 1))) (br $L)))
          (local.set $t (i32.add (local.get $t) (i32.const 1)))
          (if (i32.eq (local.get $c) (i32.const 34))
            (then (local.set $k (i32.add (local.get $k) (i32.const 3))))
            (else
              (if (i32.or (local.tee $neg (i32.eq (local.get $c) (i32.const 45))) (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10)))
                (then (local.set $k (i32.add (local.get $k) (i32.const 2))))
                (else
                  (if (i32.or (i32.eq (local.get $c) (i32.const 116)) (i32.eq (local.get $c) (i32.const 110)))
                    (then (local.set $k (i32.add (local.get $k) (i32.const 4))))
                    (else (local.set $k (i32.add (local.get $k) (i32.const 1)))))))))
          (br $L))))
    (i32.add (local.get $t) (local.get $neg))))

;; The sequence network's scoring and integrated gradients, by hand on f32x4 (see kernel.ts, which
;; lays out the memory and checks this against the TensorFlow.js network it replaces for scoring).
;; TensorFlow.js spent two thirds of its time per customer on copies (each split of a tensor read
;; the whole tensor out of its heap) and bookkeeping; here one customer's path points go through
;; the GRU and back with their activations in the core's cache, the same steps for every customer
;; whatever batch it is in, so a customer's parts are the same bits in any batch.
;; Assembled into kernel-wasm.ts by `npm run build:wasm` (a test checks the two agree).
;;
;; Sizes (imported): W months, C channels, R relative channels (Rp: R rounded up to 4), H hidden
;; units and D dense units (both rounded up to 4: the padding units have zero weights, so they stay
;; 0 and change nothing), G = 3H gate rows, S statics (Sp, Cp rounded up to 4), I = C + R inputs.
;; Matrices are f32, row-major, at the byte addresses imported below:
;;   wi [I, G] (gates z | r | n), bi [G], u [H, G], bu [G], ut [G, H] (u transposed),
;;   witc [G, Cp] (wi's channel rows transposed), witr [G, Rp] (its relative rows transposed),
;;   wdh [H, D] and wds [S, D] (the dense layer's state and static rows), bd [D],
;;   wdth [D, H] and wdts [D, Sp] (their transposes), wo [D], bo (one f32), the wide part:
;;   widex [W, I], widem [W], wides [S]; relch [R] (i32: each relative input's channel),
;;   relmean and relsd [Rp] (the channel's log scaling, 0 on padding).
;; Scratch for one customer (pc .. dpre) and one path point (e .. dmt) follows.
(module
  (import "env" "memory" (memory 1))
  (import "env" "W" (global $W i32))
  (import "env" "C" (global $C i32))
  (import "env" "R" (global $R i32))
  (import "env" "Rp" (global $Rp i32))
  (import "env" "H" (global $H i32))
  (import "env" "G" (global $G i32))
  (import "env" "D" (global $D i32))
  (import "env" "S" (global $S i32))
  (import "env" "Sp" (global $Sp i32))
  (import "env" "Cp" (global $Cp i32))
  (import "env" "I" (global $I i32))
  (import "env" "wi" (global $wi i32))
  (import "env" "bi" (global $bi i32))
  (import "env" "witc" (global $witc i32))
  (import "env" "witr" (global $witr i32))
  (import "env" "u" (global $u i32))
  (import "env" "bu" (global $bu i32))
  (import "env" "ut" (global $ut i32))
  (import "env" "wdh" (global $wdh i32))
  (import "env" "wds" (global $wds i32))
  (import "env" "bd" (global $bd i32))
  (import "env" "wdth" (global $wdth i32))
  (import "env" "wdts" (global $wdts i32))
  (import "env" "wo" (global $wo i32))
  (import "env" "bo" (global $bo i32))
  (import "env" "widex" (global $widex i32))
  (import "env" "widem" (global $widem i32))
  (import "env" "wides" (global $wides i32))
  (import "env" "relch" (global $relch i32))
  (import "env" "relmean" (global $relmean i32))
  (import "env" "relsd" (global $relsd i32))
  ;; per customer: the relative channels' cells pc [W, Rp], cells·wi cw [W, G], statics·wds sw [D],
  ;; the weighted sums over path points of the gradients at the gate inputs dxws [W, G], at the
  ;; relative cells dcr [W, Rp], at the masks dms [W] and at the dense layer's input dpres [D];
  ;; tmpc [Cp], tmps [Sp] for the last products
  (import "env" "pc" (global $pc i32))
  (import "env" "cw" (global $cw i32))
  (import "env" "sw" (global $sw i32))
  (import "env" "dxws" (global $dxws i32))
  (import "env" "dcr" (global $dcr i32))
  (import "env" "dms" (global $dms i32))
  (import "env" "dpres" (global $dpres i32))
  (import "env" "tmpc" (global $tmpc i32))
  (import "env" "tmps" (global $tmps i32))
  ;; per path point: e = exp of the relative cells' log level, lev = e · mask, rel [W, Rp] (reused
  ;; for the gradient at lev), sumlev [Rp], drel [W, Rp], mt [W] the masks on the path, xw and hu
  ;; [G] a month's gate inputs, hs [W + 1, H] the states, z r n hn [W, H] the gates, hid [D],
  ;; dpre [D], dh dhp [H], dxw dhu [G], dmt [W]
  (import "env" "e" (global $e i32))
  (import "env" "lev" (global $lev i32))
  (import "env" "rel" (global $rel i32))
  (import "env" "sumlev" (global $sumlev i32))
  (import "env" "drel" (global $drel i32))
  (import "env" "mt" (global $mt i32))
  (import "env" "xw" (global $xw i32))
  (import "env" "hu" (global $hu i32))
  (import "env" "hs" (global $hs i32))
  (import "env" "z" (global $z i32))
  (import "env" "r" (global $r i32))
  (import "env" "n" (global $n i32))
  (import "env" "hn" (global $hn i32))
  (import "env" "hid" (global $hid i32))
  (import "env" "dpre" (global $dpre i32))
  (import "env" "dh" (global $dh i32))
  (import "env" "dhp" (global $dhp i32))
  (import "env" "dxw" (global $dxw i32))
  (import "env" "dhu" (global $dhu i32))
  (import "env" "dmt" (global $dmt i32))

  ;; the path point's sum of masks, clamped below at 1 (the mean over active months divides by it)
  (global $sm (mut f32) (f32.const 0))
  (global $msc (mut f32) (f32.const 0))

  ;; out[0..N) += sum_k x[k] * b[k, 0..N), N a multiple of 4; in k order, 16 columns at a time.
  (func $matvec (param $x i32) (param $K i32) (param $b i32) (param $N i32) (param $out i32)
    (local $n i32) (local $k i32) (local $p i32) (local $xa i32) (local $o i32) (local $stride i32)
    (local $xs v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $stride (i32.shl (local.get $N) (i32.const 2)))
    (block $wideDone
      (loop $wide
        (br_if $wideDone (i32.gt_u (i32.add (local.get $n) (i32.const 16)) (local.get $N)))
        (local.set $o (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
        (local.set $a0 (v128.load offset=0 (local.get $o)))
        (local.set $a1 (v128.load offset=16 (local.get $o)))
        (local.set $a2 (v128.load offset=32 (local.get $o)))
        (local.set $a3 (v128.load offset=48 (local.get $o)))
        (local.set $p (i32.add (local.get $b) (i32.shl (local.get $n) (i32.const 2))))
        (local.set $xa (local.get $x))
        (local.set $k (local.get $K))
        (block $kDone
          (loop $kLoop
            (br_if $kDone (i32.eqz (local.get $k)))
            (local.set $xs (v128.load32_splat (local.get $xa)))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $xs) (v128.load offset=0 (local.get $p)))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $xs) (v128.load offset=16 (local.get $p)))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $xs) (v128.load offset=32 (local.get $p)))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $xs) (v128.load offset=48 (local.get $p)))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (local.set $xa (i32.add (local.get $xa) (i32.const 4)))
            (local.set $k (i32.sub (local.get $k) (i32.const 1)))
            (br $kLoop)))
        (v128.store offset=0 (local.get $o) (local.get $a0))
        (v128.store offset=16 (local.get $o) (local.get $a1))
        (v128.store offset=32 (local.get $o) (local.get $a2))
        (v128.store offset=48 (local.get $o) (local.get $a3))
        (local.set $n (i32.add (local.get $n) (i32.const 16)))
        (br $wide)))
    (block $narrowDone
      (loop $narrow
        (br_if $narrowDone (i32.ge_u (local.get $n) (local.get $N)))
        (local.set $o (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
        (local.set $a0 (v128.load (local.get $o)))
        (local.set $p (i32.add (local.get $b) (i32.shl (local.get $n) (i32.const 2))))
        (local.set $xa (local.get $x))
        (local.set $k (local.get $K))
        (block $kDone4
          (loop $kLoop4
            (br_if $kDone4 (i32.eqz (local.get $k)))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load32_splat (local.get $xa)) (v128.load (local.get $p)))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (local.set $xa (i32.add (local.get $xa) (i32.const 4)))
            (local.set $k (i32.sub (local.get $k) (i32.const 1)))
            (br $kLoop4)))
        (v128.store (local.get $o) (local.get $a0))
        (local.set $n (i32.add (local.get $n) (i32.const 4)))
        (br $narrow))))

;; exp in place over `count` floats (a multiple of 4), four lanes at a time (Cephes expf:
  ;; x = k ln 2 + f, |f| <= ln 2 / 2, a degree-7 polynomial in f, times 2^k built in the exponent
  ;; bits); the argument is clamped to [-87, 88] so 2^k stays a normal number: within two units in
  ;; the last place over that range. One call per run of gates, not per four: V8 does not inline.
  (func $expInPlace (param $at i32) (param $count i32)
    (local $end i32) (local $x v128) (local $k v128) (local $f v128) (local $p v128)
    (local.set $end (i32.add (local.get $at) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $x (f32x4.min (f32x4.max (v128.load (local.get $at)) (v128.const f32x4 -87 -87 -87 -87)) (v128.const f32x4 88 88 88 88)))
        (local.set $k (f32x4.nearest (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))))
        (local.set $f (f32x4.sub (local.get $x) (f32x4.mul (local.get $k) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375))))
        (local.set $f (f32x4.sub (local.get $f) (f32x4.mul (local.get $k) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
        (local.set $p (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $f)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $f)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $f)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $f)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $f)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
        (local.set $p (f32x4.add (f32x4.add (f32x4.mul (local.get $p) (f32x4.mul (local.get $f) (local.get $f))) (local.get $f)) (v128.const f32x4 1 1 1 1)))
        (v128.store (local.get $at) (f32x4.mul (local.get $p)
          (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $k)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $l))))

  ;; v = 2 / (1 + v) - 1 over `count` floats: tanh a once v holds exp(-2a)
  (func $tanhFromExp (param $at i32) (param $count i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $at) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (v128.store (local.get $at)
          (f32x4.sub (f32x4.div (v128.const f32x4 2 2 2 2) (f32x4.add (v128.const f32x4 1 1 1 1) (v128.load (local.get $at)))) (v128.const f32x4 1 1 1 1)))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $l))))

  ;; v = s · v over `count` floats
  (func $scale (param $at i32) (param $s f32) (param $count i32)
    (local $end i32) (local $sv v128)
    (local.set $sv (f32x4.splat (local.get $s)))
    (local.set $end (i32.add (local.get $at) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (v128.store (local.get $at) (f32x4.mul (local.get $sv) (v128.load (local.get $at))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $l))))

  (func $hsum (param $v v128) (result f32)
    (f32.add (f32.add (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v))) (f32x4.extract_lane 2 (local.get $v))) (f32x4.extract_lane 3 (local.get $v))))

  ;; out[0..count) = a[0..count) + s * b[0..count), count a multiple of 4
  (func $axpy (param $out i32) (param $a i32) (param $s f32) (param $b i32) (param $count i32)
    (local $j i32) (local $sv v128)
    (local.set $sv (f32x4.splat (local.get $s)))
    (local.set $count (i32.shl (local.get $count) (i32.const 2)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $j) (local.get $count)))
        (v128.store (i32.add (local.get $out) (local.get $j))
          (f32x4.add (v128.load (i32.add (local.get $a) (local.get $j))) (f32x4.mul (local.get $sv) (v128.load (i32.add (local.get $b) (local.get $j))))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $l))))

  (func $zero (param $at i32) (param $floats i32)
    (memory.fill (local.get $at) (i32.const 0) (i32.shl (local.get $floats) (i32.const 2))))

  ;; A customer's parts that are linear along the path: its relative cells, cells · wi, statics · wds.
  (func $rowSetup (param $cells i32) (param $stat i32)
    (local $t i32) (local $k i32)
    (call $zero (global.get $pc) (i32.mul (global.get $W) (global.get $Rp)))
    (call $zero (global.get $cw) (i32.mul (global.get $W) (global.get $G)))
    (call $zero (global.get $sw) (global.get $D))
    (block $tDone
      (loop $tLoop
        (br_if $tDone (i32.ge_u (local.get $t) (global.get $W)))
        (local.set $k (i32.const 0))
        (block $kDone
          (loop $kLoop
            (br_if $kDone (i32.ge_u (local.get $k) (global.get $R)))
            (f32.store
              (i32.add (global.get $pc) (i32.shl (i32.add (i32.mul (local.get $t) (global.get $Rp)) (local.get $k)) (i32.const 2)))
              (f32.load (i32.add (local.get $cells) (i32.shl (i32.add (i32.mul (local.get $t) (global.get $C)) (i32.load (i32.add (global.get $relch) (i32.shl (local.get $k) (i32.const 2))))) (i32.const 2)))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $kLoop)))
        (call $matvec
          (i32.add (local.get $cells) (i32.shl (i32.mul (local.get $t) (global.get $C)) (i32.const 2))) (global.get $C)
          (global.get $wi) (global.get $G)
          (i32.add (global.get $cw) (i32.shl (i32.mul (local.get $t) (global.get $G)) (i32.const 2))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $tLoop)))
    (call $matvec (local.get $stat) (global.get $S) (global.get $wds) (global.get $D) (global.get $sw)))

;; The network at the path point alpha: cells alpha·x, masks 1 + alpha (m - 1), statics alpha·s.
  ;; Leaves the relative channels, the gates and states, and the dense layer's output in scratch.
  (func $forward (param $alpha f32) (param $mask i32)
    (local $t i32) (local $kb i32) (local $off i32) (local $rowR i32) (local $mtv f32) (local $av v128)
    (local $sum v128) (local $own v128) (local $lv v128) (local $mv v128)
    (local $jb i32) (local $H4 i32) (local $tH i32) (local $zv v128) (local $rv v128) (local $hnv v128) (local $nv v128) (local $hv v128) (local $next v128)
    (local.set $av (f32x4.splat (local.get $alpha)))
    (local.set $rowR (i32.shl (global.get $Rp) (i32.const 2)))
    (local.set $H4 (i32.shl (global.get $H) (i32.const 2)))
    ;; masks on the path, and their sum clamped at 1
    (global.set $sm (f32.const 0))
    (block $mDone
      (loop $mLoop
        (br_if $mDone (i32.ge_u (local.get $t) (global.get $W)))
        (local.set $mtv (f32.add (f32.const 1) (f32.mul (local.get $alpha) (f32.sub (f32.load (i32.add (local.get $mask) (i32.shl (local.get $t) (i32.const 2)))) (f32.const 1)))))
        (f32.store (i32.add (global.get $mt) (i32.shl (local.get $t) (i32.const 2))) (local.get $mtv))
        (global.set $sm (f32.add (global.get $sm) (local.get $mtv)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $mLoop)))
    (global.set $msc (f32.max (global.get $sm) (f32.const 1)))
    ;; relative channels: e = exp(alpha·x·sd + mean), level = e·m, own = sum of levels / msc,
    ;; rel = (level / max(own, 1e-6) - 1)·m
    (local.set $off (i32.const 0))
    (block $uDone
      (loop $u
        (br_if $uDone (i32.ge_u (local.get $off) (i32.mul (global.get $W) (local.get $rowR))))
        (local.set $kb (i32.rem_u (local.get $off) (local.get $rowR)))
        (v128.store (i32.add (global.get $e) (local.get $off)) (f32x4.add
          (f32x4.mul (f32x4.mul (local.get $av) (v128.load (i32.add (global.get $pc) (local.get $off)))) (v128.load (i32.add (global.get $relsd) (local.get $kb))))
          (v128.load (i32.add (global.get $relmean) (local.get $kb)))))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $u)))
    (call $expInPlace (global.get $e) (i32.mul (global.get $W) (global.get $Rp)))
    (local.set $kb (i32.const 0))
    (block $relDone
      (loop $relLoop
        (br_if $relDone (i32.ge_u (local.get $kb) (local.get $rowR)))
        (local.set $sum (v128.const f32x4 0 0 0 0))
        (local.set $t (i32.const 0))
        (block $t1Done
          (loop $t1
            (br_if $t1Done (i32.ge_u (local.get $t) (global.get $W)))
            (local.set $off (i32.add (i32.mul (local.get $t) (local.get $rowR)) (local.get $kb)))
            (local.set $lv (f32x4.mul (v128.load (i32.add (global.get $e) (local.get $off))) (v128.load32_splat (i32.add (global.get $mt) (i32.shl (local.get $t) (i32.const 2))))))
            (v128.store (i32.add (global.get $lev) (local.get $off)) (local.get $lv))
            (local.set $sum (f32x4.add (local.get $sum) (local.get $lv)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $t1)))
        (v128.store (i32.add (global.get $sumlev) (local.get $kb)) (local.get $sum))
        (local.set $own (f32x4.max (f32x4.div (local.get $sum) (f32x4.splat (global.get $msc))) (v128.const f32x4 1e-6 1e-6 1e-6 1e-6)))
        (local.set $t (i32.const 0))
        (block $t2Done
          (loop $t2
            (br_if $t2Done (i32.ge_u (local.get $t) (global.get $W)))
            (local.set $off (i32.add (i32.mul (local.get $t) (local.get $rowR)) (local.get $kb)))
            (v128.store (i32.add (global.get $rel) (local.get $off))
              (f32x4.mul
                (f32x4.sub (f32x4.div (v128.load (i32.add (global.get $lev) (local.get $off))) (local.get $own)) (v128.const f32x4 1 1 1 1))
                (v128.load32_splat (i32.add (global.get $mt) (i32.shl (local.get $t) (i32.const 2))))))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $t2)))
        (local.set $kb (i32.add (local.get $kb) (i32.const 16)))
        (br $relLoop)))
    ;; the GRU, oldest month first; h_0 = 0
    (call $zero (global.get $hs) (global.get $H))
    (local.set $t (i32.const 0))
    (block $gruDone
      (loop $gru
        (br_if $gruDone (i32.ge_u (local.get $t) (global.get $W)))
        ;; gate inputs: bi + alpha·cw_t + rel_t·wi[C..]
        (call $axpy (global.get $xw) (global.get $bi) (local.get $alpha) (i32.add (global.get $cw) (i32.shl (i32.mul (local.get $t) (global.get $G)) (i32.const 2))) (global.get $G))
        (call $matvec (i32.add (global.get $rel) (i32.mul (local.get $t) (local.get $rowR))) (global.get $R)
          (i32.add (global.get $wi) (i32.shl (i32.mul (global.get $C) (global.get $G)) (i32.const 2))) (global.get $G) (global.get $xw))
        ;; recurrent inputs: bu + h·u
        (memory.copy (global.get $hu) (global.get $bu) (i32.shl (global.get $G) (i32.const 2)))
        (local.set $tH (i32.mul (local.get $t) (local.get $H4)))
        (if (local.get $t)
          (then (call $matvec (i32.add (global.get $hs) (local.get $tH)) (global.get $H) (global.get $u) (global.get $G) (global.get $hu))))
        ;; z and r: sigmoid(x + h) = 1 / (1 + exp(-(x + h))), exp over both gates at once in xw
        (local.set $jb (i32.const 0))
        (block $zrDone
          (loop $zr
            (br_if $zrDone (i32.ge_u (local.get $jb) (i32.shl (local.get $H4) (i32.const 1))))
            (v128.store (i32.add (global.get $xw) (local.get $jb))
              (f32x4.neg (f32x4.add (v128.load (i32.add (global.get $xw) (local.get $jb))) (v128.load (i32.add (global.get $hu) (local.get $jb))))))
            (local.set $jb (i32.add (local.get $jb) (i32.const 16)))
            (br $zr)))
        (call $expInPlace (global.get $xw) (i32.shl (global.get $H) (i32.const 1)))
        ;; n: tanh(xn + r·hn) = 2 / (1 + exp(-2 (xn + r·hn))) - 1, exp over the gate in xw
        (local.set $jb (i32.const 0))
        (block $rnDone
          (loop $rn
            (br_if $rnDone (i32.ge_u (local.get $jb) (local.get $H4)))
            (local.set $off (i32.add (local.get $tH) (local.get $jb)))
            (local.set $zv (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (v128.load (i32.add (global.get $xw) (local.get $jb))))))
            (local.set $rv (f32x4.div (v128.const f32x4 1 1 1 1) (f32x4.add (v128.const f32x4 1 1 1 1) (v128.load (i32.add (global.get $xw) (i32.add (local.get $H4) (local.get $jb)))))))
            (local.set $hnv (v128.load (i32.add (global.get $hu) (i32.add (i32.shl (local.get $H4) (i32.const 1)) (local.get $jb)))))
            (v128.store (i32.add (global.get $z) (local.get $off)) (local.get $zv))
            (v128.store (i32.add (global.get $r) (local.get $off)) (local.get $rv))
            (v128.store (i32.add (global.get $hn) (local.get $off)) (local.get $hnv))
            (v128.store (i32.add (global.get $xw) (i32.add (i32.shl (local.get $H4) (i32.const 1)) (local.get $jb)))
              (f32x4.mul (v128.const f32x4 -2 -2 -2 -2) (f32x4.add
                (v128.load (i32.add (global.get $xw) (i32.add (i32.shl (local.get $H4) (i32.const 1)) (local.get $jb))))
                (f32x4.mul (local.get $rv) (local.get $hnv)))))
            (local.set $jb (i32.add (local.get $jb) (i32.const 16)))
            (br $rn)))
        (call $expInPlace (i32.add (global.get $xw) (i32.shl (local.get $H4) (i32.const 1))) (global.get $H))
        (call $tanhFromExp (i32.add (global.get $xw) (i32.shl (local.get $H4) (i32.const 1))) (global.get $H))
        ;; h' = h + m (next - h), next = n + z (h - n)
        (local.set $mv (v128.load32_splat (i32.add (global.get $mt) (i32.shl (local.get $t) (i32.const 2)))))
        (local.set $jb (i32.const 0))
        (block $hDone
          (loop $h
            (br_if $hDone (i32.ge_u (local.get $jb) (local.get $H4)))
            (local.set $off (i32.add (local.get $tH) (local.get $jb)))
            (local.set $nv (v128.load (i32.add (global.get $xw) (i32.add (i32.shl (local.get $H4) (i32.const 1)) (local.get $jb)))))
            (local.set $zv (v128.load (i32.add (global.get $z) (local.get $off))))
            (local.set $hv (v128.load (i32.add (global.get $hs) (local.get $off))))
            (local.set $next (f32x4.add (local.get $nv) (f32x4.mul (local.get $zv) (f32x4.sub (local.get $hv) (local.get $nv)))))
            (v128.store (i32.add (global.get $hs) (i32.add (local.get $off) (local.get $H4)))
              (f32x4.add (local.get $hv) (f32x4.mul (local.get $mv) (f32x4.sub (local.get $next) (local.get $hv)))))
            (v128.store (i32.add (global.get $n) (local.get $off)) (local.get $nv))
            (local.set $jb (i32.add (local.get $jb) (i32.const 16)))
            (br $h)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $gru)))
    ;; the dense layer: tanh(bd + alpha·sw + h_W·wdh)
    (call $axpy (global.get $hid) (global.get $bd) (local.get $alpha) (global.get $sw) (global.get $D))
    (call $matvec (i32.add (global.get $hs) (i32.mul (global.get $W) (local.get $H4))) (global.get $H) (global.get $wdh) (global.get $D) (global.get $hid))
    (call $scale (global.get $hid) (f32.const -2) (global.get $D))
    (call $expInPlace (global.get $hid) (global.get $D))
    (call $tanhFromExp (global.get $hid) (global.get $D)))

  ;; One GRU month backwards: from dh (the gradient at h_{t+1}) to dhp (at h_t), the gate inputs'
  ;; gradient into dxw, the mask's into dmt[t].
  (func $gruBack (param $t i32)
    (local $jb i32) (local $H4 i32) (local $off i32) (local $m f32) (local $mv v128) (local $keep v128) (local $dm v128)
    (local $dhv v128) (local $zv v128) (local $rv v128) (local $nv v128) (local $hnv v128) (local $hv v128)
    (local $next v128) (local $dnext v128) (local $dz v128) (local $dan v128) (local $daz v128) (local $dar v128)
    (local.set $H4 (i32.shl (global.get $H) (i32.const 2)))
    (local.set $m (f32.load (i32.add (global.get $mt) (i32.shl (local.get $t) (i32.const 2)))))
    (local.set $mv (f32x4.splat (local.get $m)))
    (local.set $keep (f32x4.splat (f32.sub (f32.const 1) (local.get $m))))
    (block $jDone
      (loop $j
        (br_if $jDone (i32.ge_u (local.get $jb) (local.get $H4)))
        (local.set $off (i32.add (i32.mul (local.get $t) (local.get $H4)) (local.get $jb)))
        (local.set $dhv (v128.load (i32.add (global.get $dh) (local.get $jb))))
        (local.set $zv (v128.load (i32.add (global.get $z) (local.get $off))))
        (local.set $rv (v128.load (i32.add (global.get $r) (local.get $off))))
        (local.set $nv (v128.load (i32.add (global.get $n) (local.get $off))))
        (local.set $hnv (v128.load (i32.add (global.get $hn) (local.get $off))))
        (local.set $hv (v128.load (i32.add (global.get $hs) (local.get $off))))
        ;; h' = h + m (next - h), next = n + z (h - n)
        (local.set $next (f32x4.add (local.get $nv) (f32x4.mul (local.get $zv) (f32x4.sub (local.get $hv) (local.get $nv)))))
        (local.set $dm (f32x4.add (local.get $dm) (f32x4.mul (local.get $dhv) (f32x4.sub (local.get $next) (local.get $hv)))))
        (local.set $dnext (f32x4.mul (local.get $mv) (local.get $dhv)))
        (v128.store (i32.add (global.get $dhp) (local.get $jb))
          (f32x4.add (f32x4.mul (local.get $keep) (local.get $dhv)) (f32x4.mul (local.get $zv) (local.get $dnext))))
        (local.set $dz (f32x4.mul (f32x4.sub (local.get $hv) (local.get $nv)) (local.get $dnext)))
        ;; n = tanh(xn + r hn): its input's gradient (1 - z) dnext (1 - n²)
        (local.set $dan (f32x4.mul
          (f32x4.mul (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $zv)) (local.get $dnext))
          (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $nv) (local.get $nv)))))
        (local.set $daz (f32x4.mul (f32x4.mul (local.get $dz) (local.get $zv)) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $zv))))
        (local.set $dar (f32x4.mul (f32x4.mul (f32x4.mul (local.get $dan) (local.get $hnv)) (local.get $rv)) (f32x4.sub (v128.const f32x4 1 1 1 1) (local.get $rv))))
        (v128.store (i32.add (global.get $dxw) (local.get $jb)) (local.get $daz))
        (v128.store (i32.add (global.get $dxw) (i32.add (local.get $H4) (local.get $jb))) (local.get $dar))
        (v128.store (i32.add (global.get $dxw) (i32.add (i32.shl (local.get $H4) (i32.const 1)) (local.get $jb))) (local.get $dan))
        (v128.store (i32.add (global.get $dhu) (local.get $jb)) (local.get $daz))
        (v128.store (i32.add (global.get $dhu) (i32.add (local.get $H4) (local.get $jb))) (local.get $dar))
        (v128.store (i32.add (global.get $dhu) (i32.add (i32.shl (local.get $H4) (i32.const 1)) (local.get $jb))) (f32x4.mul (local.get $dan) (local.get $rv)))
        (local.set $jb (i32.add (local.get $jb) (i32.const 16)))
        (br $j)))
    (f32.store (i32.add (global.get $dmt) (i32.shl (local.get $t) (i32.const 2))) (call $hsum (local.get $dm)))
    ;; h_0 is 0, not an input: no gradient to carry back from the first month
    (if (local.get $t)
      (then (call $matvec (global.get $dhu) (global.get $G) (global.get $ut) (global.get $H) (global.get $dhp)))))

  ;; The gradient of the logit at the last forward point, its weight q in the quadrature added to
  ;; the customer's sums (dxws, dcr, dms, dpres).
  (func $backward (param $alpha f32) (param $q f32)
    (local $t i32) (local $k i32) (local $jb i32) (local $kb i32) (local $off i32) (local $rowR i32) (local $at i32)
    (local $hv v128) (local $dmsc f32) (local $sum v128) (local $own v128) (local $live v128) (local $mv v128) (local $d v128)
    (local $lv v128) (local $dl v128) (local $downc v128) (local $down v128) (local $dsum v128) (local $ev v128) (local $dmAdd f32)
    (local.set $rowR (i32.shl (global.get $Rp) (i32.const 2)))
    ;; the dense layer: dpre = wo (1 - hid²); dh = wdth · dpre
    (block $dDone
      (loop $dl
        (br_if $dDone (i32.ge_u (local.get $jb) (i32.shl (global.get $D) (i32.const 2))))
        (local.set $hv (v128.load (i32.add (global.get $hid) (local.get $jb))))
        (v128.store (i32.add (global.get $dpre) (local.get $jb))
          (f32x4.mul (v128.load (i32.add (global.get $wo) (local.get $jb))) (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $hv) (local.get $hv)))))
        (local.set $jb (i32.add (local.get $jb) (i32.const 16)))
        (br $dl)))
    (call $axpy (global.get $dpres) (global.get $dpres) (local.get $q) (global.get $dpre) (global.get $D))
    (call $zero (global.get $dh) (global.get $H))
    (call $matvec (global.get $dpre) (global.get $D) (global.get $wdth) (global.get $H) (global.get $dh))
    ;; the months, newest first
    (local.set $t (global.get $W))
    (block $tDone
      (loop $tLoop
        (br_if $tDone (i32.eqz (local.get $t)))
        (local.set $t (i32.sub (local.get $t) (i32.const 1)))
        (call $gruBack (local.get $t))
        (local.set $at (i32.add (global.get $dxws) (i32.shl (i32.mul (local.get $t) (global.get $G)) (i32.const 2))))
        (call $axpy (local.get $at) (local.get $at) (local.get $q) (global.get $dxw) (global.get $G))
        ;; the relative inputs' gradient: the wide part plus witr · dxw
        (local.set $at (i32.add (global.get $drel) (i32.mul (local.get $t) (local.get $rowR))))
        (call $zero (local.get $at) (global.get $Rp))
        (local.set $k (i32.const 0))
        (block $kDone
          (loop $kLoop
            (br_if $kDone (i32.ge_u (local.get $k) (global.get $R)))
            (f32.store (i32.add (local.get $at) (i32.shl (local.get $k) (i32.const 2)))
              (f32.load (i32.add (global.get $widex) (i32.shl (i32.add (i32.mul (local.get $t) (global.get $I)) (i32.add (global.get $C) (local.get $k))) (i32.const 2)))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $kLoop)))
        (call $matvec (global.get $dxw) (global.get $G) (global.get $witr) (global.get $Rp) (local.get $at))
        (memory.copy (global.get $dh) (global.get $dhp) (i32.shl (global.get $H) (i32.const 2)))
        (br $tLoop)))
    ;; the relative channels backwards
    (local.set $kb (i32.const 0))
    (block $relDone
      (loop $relLoop
        (br_if $relDone (i32.ge_u (local.get $kb) (local.get $rowR)))
        (local.set $sum (v128.load (i32.add (global.get $sumlev) (local.get $kb))))
        (local.set $own (f32x4.div (local.get $sum) (f32x4.splat (global.get $msc))))
        (local.set $live (f32x4.ge (local.get $own) (v128.const f32x4 1e-6 1e-6 1e-6 1e-6)))
        (local.set $own (f32x4.max (local.get $own) (v128.const f32x4 1e-6 1e-6 1e-6 1e-6)))
        (local.set $downc (v128.const f32x4 0 0 0 0))
        (local.set $t (i32.const 0))
        (block $t1Done
          (loop $t1
            (br_if $t1Done (i32.ge_u (local.get $t) (global.get $W)))
            (local.set $off (i32.add (i32.mul (local.get $t) (local.get $rowR)) (local.get $kb)))
            (local.set $mv (v128.load32_splat (i32.add (global.get $mt) (i32.shl (local.get $t) (i32.const 2)))))
            (local.set $d (f32x4.mul (v128.load (i32.add (global.get $drel) (local.get $off))) (local.get $mv)))
            (local.set $lv (v128.load (i32.add (global.get $lev) (local.get $off))))
            ;; rel = (lev / own - 1) m: the mask's part, then lev's and own's
            (local.set $at (i32.add (global.get $dmt) (i32.shl (local.get $t) (i32.const 2))))
            (f32.store (local.get $at) (f32.add (f32.load (local.get $at))
              (call $hsum (f32x4.mul (v128.load (i32.add (global.get $drel) (local.get $off)))
                (f32x4.sub (f32x4.div (local.get $lv) (local.get $own)) (v128.const f32x4 1 1 1 1))))))
            (v128.store (i32.add (global.get $rel) (local.get $off)) (f32x4.div (local.get $d) (local.get $own)))
            (local.set $downc (f32x4.sub (local.get $downc) (f32x4.div (f32x4.mul (local.get $d) (local.get $lv)) (f32x4.mul (local.get $own) (local.get $own)))))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $t1)))
        ;; own = sum / msc, clamped at 1e-6 (no gradient where the clamp holds)
        (local.set $down (v128.and (local.get $downc) (local.get $live)))
        (local.set $dsum (f32x4.div (local.get $down) (f32x4.splat (global.get $msc))))
        (local.set $dmsc (f32.sub (local.get $dmsc)
          (call $hsum (f32x4.div (f32x4.mul (local.get $down) (local.get $sum)) (f32x4.splat (f32.mul (global.get $msc) (global.get $msc)))))))
        (local.set $t (i32.const 0))
        (block $t2Done
          (loop $t2
            (br_if $t2Done (i32.ge_u (local.get $t) (global.get $W)))
            (local.set $off (i32.add (i32.mul (local.get $t) (local.get $rowR)) (local.get $kb)))
            (local.set $mv (v128.load32_splat (i32.add (global.get $mt) (i32.shl (local.get $t) (i32.const 2)))))
            (local.set $dl (f32x4.add (v128.load (i32.add (global.get $rel) (local.get $off))) (local.get $dsum)))
            (local.set $ev (v128.load (i32.add (global.get $e) (local.get $off))))
            ;; lev = e m, e = exp(alpha·x·sd + mean)
            (local.set $at (i32.add (global.get $dmt) (i32.shl (local.get $t) (i32.const 2))))
            (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (call $hsum (f32x4.mul (local.get $dl) (local.get $ev)))))
            (local.set $at (i32.add (global.get $dcr) (local.get $off)))
            (v128.store (local.get $at) (f32x4.add (v128.load (local.get $at))
              (f32x4.mul (f32x4.splat (local.get $q))
                (f32x4.mul (f32x4.mul (f32x4.mul (local.get $dl) (local.get $mv)) (local.get $ev)) (v128.load (i32.add (global.get $relsd) (local.get $kb)))))))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $t2)))
        (local.set $kb (i32.add (local.get $kb) (i32.const 16)))
        (br $relLoop)))
    ;; msc = max(sum of masks, 1)
    (local.set $dmAdd (select (local.get $dmsc) (f32.const 0) (f32.ge (global.get $sm) (f32.const 1))))
    (local.set $t (i32.const 0))
    (block $mDone
      (loop $mLoop
        (br_if $mDone (i32.ge_u (local.get $t) (global.get $W)))
        (local.set $at (i32.add (global.get $dms) (i32.shl (local.get $t) (i32.const 2))))
        (f32.store (local.get $at) (f32.add (f32.load (local.get $at))
          (f32.mul (local.get $q) (f32.add (f32.load (i32.add (global.get $dmt) (i32.shl (local.get $t) (i32.const 2)))) (local.get $dmAdd)))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $mLoop))))

  ;; Logits of `rows` customers: cells [rows, W, C], masks [rows, W], statics [rows, S] -> out [rows].
  (func (export "logits") (param $rows i32) (param $cells i32) (param $mask i32) (param $stat i32) (param $out i32)
    (local $i i32) (local $t i32) (local $c i32) (local $k i32) (local $j i32) (local $s f32) (local $cr i32) (local $mr i32) (local $sr i32)
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $cr (i32.add (local.get $cells) (i32.shl (i32.mul (local.get $i) (i32.mul (global.get $W) (global.get $C))) (i32.const 2))))
        (local.set $mr (i32.add (local.get $mask) (i32.shl (i32.mul (local.get $i) (global.get $W)) (i32.const 2))))
        (local.set $sr (i32.add (local.get $stat) (i32.shl (i32.mul (local.get $i) (global.get $S)) (i32.const 2))))
        (call $rowSetup (local.get $cr) (local.get $sr))
        (call $forward (f32.const 1) (local.get $mr))
        ;; deep: hid · wo + bo
        (local.set $s (f32.const 0))
        (local.set $j (i32.const 0))
        (block $dDone
          (loop $d
            (br_if $dDone (i32.ge_u (local.get $j) (global.get $D)))
            (local.set $s (f32.add (local.get $s) (f32.mul
              (f32.load (i32.add (global.get $hid) (i32.shl (local.get $j) (i32.const 2))))
              (f32.load (i32.add (global.get $wo) (i32.shl (local.get $j) (i32.const 2)))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $d)))
        (local.set $s (f32.add (local.get $s) (f32.load (global.get $bo))))
        ;; wide: every month's cells and relative channels, the masks, the statics
        (local.set $t (i32.const 0))
        (block $tDone
          (loop $tLoop
            (br_if $tDone (i32.ge_u (local.get $t) (global.get $W)))
            (local.set $c (i32.const 0))
            (block $cDone
              (loop $cLoop
                (br_if $cDone (i32.ge_u (local.get $c) (global.get $C)))
                (local.set $s (f32.add (local.get $s) (f32.mul
                  (f32.load (i32.add (local.get $cr) (i32.shl (i32.add (i32.mul (local.get $t) (global.get $C)) (local.get $c)) (i32.const 2))))
                  (f32.load (i32.add (global.get $widex) (i32.shl (i32.add (i32.mul (local.get $t) (global.get $I)) (local.get $c)) (i32.const 2)))))))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br $cLoop)))
            (local.set $k (i32.const 0))
            (block $kDone
              (loop $kLoop
                (br_if $kDone (i32.ge_u (local.get $k) (global.get $R)))
                (local.set $s (f32.add (local.get $s) (f32.mul
                  (f32.load (i32.add (global.get $rel) (i32.shl (i32.add (i32.mul (local.get $t) (global.get $Rp)) (local.get $k)) (i32.const 2))))
                  (f32.load (i32.add (global.get $widex) (i32.shl (i32.add (i32.mul (local.get $t) (global.get $I)) (i32.add (global.get $C) (local.get $k))) (i32.const 2)))))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $kLoop)))
            (local.set $s (f32.add (local.get $s) (f32.mul
              (f32.load (i32.add (local.get $mr) (i32.shl (local.get $t) (i32.const 2))))
              (f32.load (i32.add (global.get $widem) (i32.shl (local.get $t) (i32.const 2)))))))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $tLoop)))
        (local.set $j (i32.const 0))
        (block $sDone
          (loop $sLoop
            (br_if $sDone (i32.ge_u (local.get $j) (global.get $S)))
            (local.set $s (f32.add (local.get $s) (f32.mul
              (f32.load (i32.add (local.get $sr) (i32.shl (local.get $j) (i32.const 2))))
              (f32.load (i32.add (global.get $wides) (i32.shl (local.get $j) (i32.const 2)))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $sLoop)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))) (local.get $s))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rowLoop))))

  ;; Integrated gradients of `rows` customers from the baseline (cells 0, masks 1, statics 0) with
  ;; the quadrature's `count` nodes [count] and weights [count] on [0, 1]:
  ;; out [rows, W·C + W + S] = each input's (x - x') · sum_k q_k · gradient at node k.
  (func (export "explain") (param $rows i32) (param $cells i32) (param $mask i32) (param $stat i32) (param $nodes i32) (param $weights i32) (param $count i32) (param $out i32)
    (local $i i32) (local $k i32) (local $t i32) (local $c i32) (local $P i32) (local $cr i32) (local $mr i32) (local $sr i32) (local $or i32) (local $at i32)
    (local.set $P (i32.add (i32.mul (global.get $W) (i32.add (global.get $C) (i32.const 1))) (global.get $S)))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $cr (i32.add (local.get $cells) (i32.shl (i32.mul (local.get $i) (i32.mul (global.get $W) (global.get $C))) (i32.const 2))))
        (local.set $mr (i32.add (local.get $mask) (i32.shl (i32.mul (local.get $i) (global.get $W)) (i32.const 2))))
        (local.set $sr (i32.add (local.get $stat) (i32.shl (i32.mul (local.get $i) (global.get $S)) (i32.const 2))))
        (local.set $or (i32.add (local.get $out) (i32.shl (i32.mul (local.get $i) (local.get $P)) (i32.const 2))))
        (call $rowSetup (local.get $cr) (local.get $sr))
        (call $zero (global.get $dxws) (i32.mul (global.get $W) (global.get $G)))
        (call $zero (global.get $dcr) (i32.mul (global.get $W) (global.get $Rp)))
        (call $zero (global.get $dms) (global.get $W))
        (call $zero (global.get $dpres) (global.get $D))
        (local.set $k (i32.const 0))
        (block $kDone
          (loop $kLoop
            (br_if $kDone (i32.ge_u (local.get $k) (local.get $count)))
            (call $forward (f32.load (i32.add (local.get $nodes) (i32.shl (local.get $k) (i32.const 2)))) (local.get $mr))
            (call $backward
              (f32.load (i32.add (local.get $nodes) (i32.shl (local.get $k) (i32.const 2))))
              (f32.load (i32.add (local.get $weights) (i32.shl (local.get $k) (i32.const 2)))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $kLoop)))
        ;; cells: (wi · dxws_t + the wide part + the relative path's part) · x
        (local.set $t (i32.const 0))
        (block $tDone
          (loop $tLoop
            (br_if $tDone (i32.ge_u (local.get $t) (global.get $W)))
            (call $zero (global.get $tmpc) (global.get $Cp))
            (call $matvec (i32.add (global.get $dxws) (i32.shl (i32.mul (local.get $t) (global.get $G)) (i32.const 2))) (global.get $G) (global.get $witc) (global.get $Cp) (global.get $tmpc))
            (local.set $k (i32.const 0))
            (block $rDone
              (loop $rLoop
                (br_if $rDone (i32.ge_u (local.get $k) (global.get $R)))
                (local.set $at (i32.add (global.get $tmpc) (i32.shl (i32.load (i32.add (global.get $relch) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 2))))
                (f32.store (local.get $at) (f32.add (f32.load (local.get $at))
                  (f32.load (i32.add (global.get $dcr) (i32.shl (i32.add (i32.mul (local.get $t) (global.get $Rp)) (local.get $k)) (i32.const 2))))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $rLoop)))
            (local.set $c (i32.const 0))
            (block $cDone
              (loop $cLoop
                (br_if $cDone (i32.ge_u (local.get $c) (global.get $C)))
                (f32.store (i32.add (local.get $or) (i32.shl (i32.add (i32.mul (local.get $t) (global.get $C)) (local.get $c)) (i32.const 2)))
                  (f32.mul
                    (f32.load (i32.add (local.get $cr) (i32.shl (i32.add (i32.mul (local.get $t) (global.get $C)) (local.get $c)) (i32.const 2))))
                    (f32.add
                      (f32.load (i32.add (global.get $tmpc) (i32.shl (local.get $c) (i32.const 2))))
                      (f32.load (i32.add (global.get $widex) (i32.shl (i32.add (i32.mul (local.get $t) (global.get $I)) (local.get $c)) (i32.const 2)))))))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br $cLoop)))
            ;; the mask: (m - 1) · (its summed gradient + the wide part)
            (f32.store (i32.add (local.get $or) (i32.shl (i32.add (i32.mul (global.get $W) (global.get $C)) (local.get $t)) (i32.const 2)))
              (f32.mul
                (f32.sub (f32.load (i32.add (local.get $mr) (i32.shl (local.get $t) (i32.const 2)))) (f32.const 1))
                (f32.add
                  (f32.load (i32.add (global.get $dms) (i32.shl (local.get $t) (i32.const 2))))
                  (f32.load (i32.add (global.get $widem) (i32.shl (local.get $t) (i32.const 2)))))))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $tLoop)))
        ;; statics: (wdts · dpres + the wide part) · s
        (call $zero (global.get $tmps) (global.get $Sp))
        (call $matvec (global.get $dpres) (global.get $D) (global.get $wdts) (global.get $Sp) (global.get $tmps))
        (local.set $c (i32.const 0))
        (block $sDone
          (loop $sLoop
            (br_if $sDone (i32.ge_u (local.get $c) (global.get $S)))
            (f32.store (i32.add (local.get $or) (i32.shl (i32.add (i32.mul (global.get $W) (i32.add (global.get $C) (i32.const 1))) (local.get $c)) (i32.const 2)))
              (f32.mul
                (f32.load (i32.add (local.get $sr) (i32.shl (local.get $c) (i32.const 2))))
                (f32.add
                  (f32.load (i32.add (global.get $tmps) (i32.shl (local.get $c) (i32.const 2))))
                  (f32.load (i32.add (global.get $wides) (i32.shl (local.get $c) (i32.const 2)))))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $sLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rowLoop))))
)

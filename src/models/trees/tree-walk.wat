;; Tree ensembles on binned rows, in WebAssembly: `walk` sums the leaves each row reaches, `shap`
;; also adds every feature's exact TreeSHAP value from the per-leaf tables of shap-tables.ts (one
;; pass over each tree's nodes, children given the mask of path features the row still
;; satisfies). Trees outer, rows inner: a tree's nodes and tables stay in cache for the block.
;; Same additions in the same order as tableShapRow and the JavaScript walk, so the same sums.
;; Assembled into tree-walk-wasm.ts by `npm run build:wasm` (a test checks the two agree).
;;
;; Memory, laid out by tree-walk.ts (byte addresses; node g's entries at 4g or 8g):
;;   starts: i32 per tree + 1, the tree's first node (global index);
;;   words:  i32 per node, feature << 16 | defaultRight << 8 | cut; a leaf has cut 0xff;
;;   lefts:  i32 per node, the left child's index within its tree (the right child follows; a leaf: itself);
;;   depths: i32 per tree, its depth (steps from the root to its deepest leaf);
;;   aux:    i32 per node, at a split the bit of its feature on the path, at a leaf k (path features);
;;   paths:  i32 per node (leaves), the index of its first path entry;
;;   tables: i32 per node (leaves), the byte address of its 2^k table;
;;   values: f64 per node (leaves);
;;   pfeat:  i32 per path entry, the feature's byte offset in a row of phi; pratio: f64, (1 − z)/z;
;;   bins: one byte per (row, feature), q per row, 255 = missing; phi: f64 per (row, feature);
;;   sum: f64 per row; masks: i32 scratch per node of the largest tree.
;; A split sends a row right when cut < bin and bin < 255 + defaultRight: missing (255) goes
;; right only when the split learnt so.
(module
  (import "env" "memory" (memory 1))

  ;; Leaf sums. Four rows at a time through a tree, for as many steps as the tree is deep or until
  ;; all four reach leaves: four independent chains of loads the processor overlaps. A leaf is its
  ;; own left child with cut 0xff, which no bin exceeds, so a row that reached one stays there.
  (func (export "walk")
    (param $n i32) (param $q i32) (param $trees i32) (param $starts i32) (param $words i32)
    (param $lefts i32) (param $values i32) (param $bins i32) (param $sum i32) (param $depths i32)
    (local $t i32) (local $i i32) (local $start i32) (local $depth i32) (local $d i32) (local $b i32)
    (local $row i32) (local $out i32) (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $g0 i32) (local $g1 i32) (local $g2 i32) (local $g3 i32)
    (local $w0 i32) (local $w1 i32) (local $w2 i32) (local $w3 i32)
    (block $treesDone
      (loop $trees
        (br_if $treesDone (i32.ge_u (local.get $t) (local.get $trees)))
        (local.set $start (i32.load (i32.add (local.get $starts) (i32.shl (local.get $t) (i32.const 2)))))
        (local.set $depth (i32.load (i32.add (local.get $depths) (i32.shl (local.get $t) (i32.const 2)))))
        (local.set $i (i32.const 0))
        (local.set $row (local.get $bins))
        (local.set $out (local.get $sum))
        (block $quadsDone
          (loop $quads
            (br_if $quadsDone (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
            (local.set $r0 (local.get $row))
            (local.set $r1 (i32.add (local.get $r0) (local.get $q)))
            (local.set $r2 (i32.add (local.get $r1) (local.get $q)))
            (local.set $r3 (i32.add (local.get $r2) (local.get $q)))
            (local.set $g0 (local.get $start))
            (local.set $g1 (local.get $start))
            (local.set $g2 (local.get $start))
            (local.set $g3 (local.get $start))
            (local.set $d (local.get $depth))
            (block $leaves
              (loop $step
                (br_if $leaves (i32.eqz (local.get $d)))
                (local.set $w0 (i32.load (i32.add (local.get $words) (i32.shl (local.get $g0) (i32.const 2)))))
                (local.set $w1 (i32.load (i32.add (local.get $words) (i32.shl (local.get $g1) (i32.const 2)))))
                (local.set $w2 (i32.load (i32.add (local.get $words) (i32.shl (local.get $g2) (i32.const 2)))))
                (local.set $w3 (i32.load (i32.add (local.get $words) (i32.shl (local.get $g3) (i32.const 2)))))
                (br_if $leaves (i32.eq (i32.and (i32.and (i32.and (local.get $w0) (local.get $w1)) (i32.and (local.get $w2) (local.get $w3))) (i32.const 0xff)) (i32.const 0xff)))
                (local.set $g0 (i32.add
                  (i32.add (local.get $start) (i32.load (i32.add (local.get $lefts) (i32.shl (local.get $g0) (i32.const 2)))))
                  (i32.and
                    (i32.shr_u (i32.sub (i32.and (local.get $w0) (i32.const 0xff)) (local.tee $b (i32.load8_u (i32.add (local.get $r0) (i32.shr_u (local.get $w0) (i32.const 16)))))) (i32.const 31))
                    (i32.shr_u (i32.sub (i32.sub (local.get $b) (i32.const 255)) (i32.and (i32.shr_u (local.get $w0) (i32.const 8)) (i32.const 1))) (i32.const 31)))))
                (local.set $g1 (i32.add
                  (i32.add (local.get $start) (i32.load (i32.add (local.get $lefts) (i32.shl (local.get $g1) (i32.const 2)))))
                  (i32.and
                    (i32.shr_u (i32.sub (i32.and (local.get $w1) (i32.const 0xff)) (local.tee $b (i32.load8_u (i32.add (local.get $r1) (i32.shr_u (local.get $w1) (i32.const 16)))))) (i32.const 31))
                    (i32.shr_u (i32.sub (i32.sub (local.get $b) (i32.const 255)) (i32.and (i32.shr_u (local.get $w1) (i32.const 8)) (i32.const 1))) (i32.const 31)))))
                (local.set $g2 (i32.add
                  (i32.add (local.get $start) (i32.load (i32.add (local.get $lefts) (i32.shl (local.get $g2) (i32.const 2)))))
                  (i32.and
                    (i32.shr_u (i32.sub (i32.and (local.get $w2) (i32.const 0xff)) (local.tee $b (i32.load8_u (i32.add (local.get $r2) (i32.shr_u (local.get $w2) (i32.const 16)))))) (i32.const 31))
                    (i32.shr_u (i32.sub (i32.sub (local.get $b) (i32.const 255)) (i32.and (i32.shr_u (local.get $w2) (i32.const 8)) (i32.const 1))) (i32.const 31)))))
                (local.set $g3 (i32.add
                  (i32.add (local.get $start) (i32.load (i32.add (local.get $lefts) (i32.shl (local.get $g3) (i32.const 2)))))
                  (i32.and
                    (i32.shr_u (i32.sub (i32.and (local.get $w3) (i32.const 0xff)) (local.tee $b (i32.load8_u (i32.add (local.get $r3) (i32.shr_u (local.get $w3) (i32.const 16)))))) (i32.const 31))
                    (i32.shr_u (i32.sub (i32.sub (local.get $b) (i32.const 255)) (i32.and (i32.shr_u (local.get $w3) (i32.const 8)) (i32.const 1))) (i32.const 31)))))
                (local.set $d (i32.sub (local.get $d) (i32.const 1)))
                (br $step)))
            (f64.store (local.get $out) (f64.add (f64.load (local.get $out)) (f64.load (i32.add (local.get $values) (i32.shl (local.get $g0) (i32.const 3))))))
            (f64.store offset=8 (local.get $out) (f64.add (f64.load offset=8 (local.get $out)) (f64.load (i32.add (local.get $values) (i32.shl (local.get $g1) (i32.const 3))))))
            (f64.store offset=16 (local.get $out) (f64.add (f64.load offset=16 (local.get $out)) (f64.load (i32.add (local.get $values) (i32.shl (local.get $g2) (i32.const 3))))))
            (f64.store offset=24 (local.get $out) (f64.add (f64.load offset=24 (local.get $out)) (f64.load (i32.add (local.get $values) (i32.shl (local.get $g3) (i32.const 3))))))
            (local.set $out (i32.add (local.get $out) (i32.const 32)))
            (local.set $row (i32.add (local.get $r3) (local.get $q)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $quads)))
        ;; the last rows, one at a time
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $i) (local.get $n)))
            (local.set $r0 (local.get $row))
            (local.set $g0 (local.get $start))
            (block $leaf
              (loop $one
                (local.set $w0 (i32.load (i32.add (local.get $words) (i32.shl (local.get $g0) (i32.const 2)))))
                (br_if $leaf (i32.eq (i32.and (local.get $w0) (i32.const 0xff)) (i32.const 0xff)))
                (local.set $g0 (i32.add
                  (i32.add (local.get $start) (i32.load (i32.add (local.get $lefts) (i32.shl (local.get $g0) (i32.const 2)))))
                  (i32.and
                    (i32.shr_u (i32.sub (i32.and (local.get $w0) (i32.const 0xff)) (local.tee $b (i32.load8_u (i32.add (local.get $r0) (i32.shr_u (local.get $w0) (i32.const 16)))))) (i32.const 31))
                    (i32.shr_u (i32.sub (i32.sub (local.get $b) (i32.const 255)) (i32.and (i32.shr_u (local.get $w0) (i32.const 8)) (i32.const 1))) (i32.const 31)))))
                (br $one)))
            (f64.store (local.get $out) (f64.add (f64.load (local.get $out)) (f64.load (i32.add (local.get $values) (i32.shl (local.get $g0) (i32.const 3))))))
            (local.set $out (i32.add (local.get $out) (i32.const 8)))
            (local.set $row (i32.add (local.get $row) (local.get $q)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $tail)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $trees))))

  (func (export "shap")
    (param $n i32) (param $q i32) (param $trees i32) (param $starts i32) (param $words i32)
    (param $lefts i32) (param $aux i32) (param $paths i32) (param $tables i32) (param $values i32)
    (param $pfeat i32) (param $pratio i32) (param $bins i32) (param $phi i32) (param $sum i32) (param $masks i32)
    (local $t i32) (local $i i32) (local $start i32) (local $end i32) (local $g i32) (local $w i32)
    (local $b i32) (local $m i32) (local $cleared i32) (local $right i32) (local $l i32)
    (local $row i32) (local $rowPhi i32) (local $out i32) (local $q8 i32)
    (local $k i32) (local $full i32) (local $mask i32) (local $table i32) (local $p i32) (local $j i32)
    (local $bit i32) (local $outside f64) (local $at i32)
    (local.set $q8 (i32.shl (local.get $q) (i32.const 3)))
    (block $treesDone
      (loop $trees
        (br_if $treesDone (i32.ge_u (local.get $t) (local.get $trees)))
        (local.set $start (i32.load (i32.add (local.get $starts) (i32.shl (local.get $t) (i32.const 2)))))
        (local.set $end (i32.load offset=4 (i32.add (local.get $starts) (i32.shl (local.get $t) (i32.const 2)))))
        (local.set $i (i32.const 0))
        (local.set $row (local.get $bins))
        (local.set $rowPhi (local.get $phi))
        (local.set $out (local.get $sum))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $n)))
            (i32.store (local.get $masks) (i32.const -1))
            (local.set $g (local.get $start))
            (block $nodesDone
              (loop $nodes
                (br_if $nodesDone (i32.ge_u (local.get $g) (local.get $end)))
                (local.set $m (i32.load (i32.add (local.get $masks) (i32.shl (i32.sub (local.get $g) (local.get $start)) (i32.const 2)))))
                (local.set $w (i32.load (i32.add (local.get $words) (i32.shl (local.get $g) (i32.const 2)))))
                (if (i32.ne (i32.and (local.get $w) (i32.const 0xff)) (i32.const 0xff))
                  (then
                    ;; A split: the child the row takes keeps the mask, the other loses its feature's bit.
                    (local.set $b (i32.load8_u (i32.add (local.get $row) (i32.shr_u (local.get $w) (i32.const 16)))))
                    (local.set $right (i32.and
                      (i32.shr_u (i32.sub (i32.and (local.get $w) (i32.const 0xff)) (local.get $b)) (i32.const 31))
                      (i32.shr_u (i32.sub (i32.sub (local.get $b) (i32.const 255)) (i32.and (i32.shr_u (local.get $w) (i32.const 8)) (i32.const 1))) (i32.const 31))))
                    (local.set $cleared (i32.and (local.get $m) (i32.xor (i32.load (i32.add (local.get $aux) (i32.shl (local.get $g) (i32.const 2)))) (i32.const -1))))
                    (local.set $l (i32.add (local.get $masks) (i32.shl (i32.load (i32.add (local.get $lefts) (i32.shl (local.get $g) (i32.const 2)))) (i32.const 2))))
                    (i32.store (local.get $l) (select (local.get $cleared) (local.get $m) (local.get $right)))
                    (i32.store offset=4 (local.get $l) (select (local.get $m) (local.get $cleared) (local.get $right))))
                  (else
                    ;; A leaf: each path feature gets (1 − z)/z · A(M ∖ i) when satisfied, −A(M) when not.
                    (local.set $k (i32.load (i32.add (local.get $aux) (i32.shl (local.get $g) (i32.const 2)))))
                    (local.set $full (i32.sub (i32.shl (i32.const 1) (local.get $k)) (i32.const 1)))
                    (local.set $mask (i32.and (local.get $m) (local.get $full)))
                    (local.set $table (i32.load (i32.add (local.get $tables) (i32.shl (local.get $g) (i32.const 2)))))
                    (local.set $p (i32.load (i32.add (local.get $paths) (i32.shl (local.get $g) (i32.const 2)))))
                    (local.set $outside (f64.neg (f64.load (i32.add (local.get $table) (i32.shl (local.get $mask) (i32.const 3))))))
                    (local.set $j (i32.const 0))
                    (block $pathDone
                      (loop $path
                        (br_if $pathDone (i32.ge_u (local.get $j) (local.get $k)))
                        (local.set $bit (i32.shl (i32.const 1) (local.get $j)))
                        (local.set $at (i32.add (local.get $rowPhi) (i32.load (i32.add (local.get $pfeat) (i32.shl (i32.add (local.get $p) (local.get $j)) (i32.const 2))))))
                        (f64.store (local.get $at) (f64.add (f64.load (local.get $at))
                          (select
                            (f64.mul
                              (f64.load (i32.add (local.get $pratio) (i32.shl (i32.add (local.get $p) (local.get $j)) (i32.const 3))))
                              (f64.load (i32.add (local.get $table) (i32.shl (i32.xor (local.get $mask) (local.get $bit)) (i32.const 3)))))
                            (local.get $outside)
                            (i32.and (local.get $mask) (local.get $bit)))))
                        (local.set $j (i32.add (local.get $j) (i32.const 1)))
                        (br $path)))
                    (if (i32.eq (local.get $mask) (local.get $full))
                      (then (f64.store (local.get $out) (f64.add (f64.load (local.get $out))
                        (f64.load (i32.add (local.get $values) (i32.shl (local.get $g) (i32.const 3))))))))))
                (local.set $g (i32.add (local.get $g) (i32.const 1)))
                (br $nodes)))
            (local.set $out (i32.add (local.get $out) (i32.const 8)))
            (local.set $row (i32.add (local.get $row) (local.get $q)))
            (local.set $rowPhi (i32.add (local.get $rowPhi) (local.get $q8)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rows)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $trees))))

  ;; Exact TreeSHAP by quadrature (shap-quadrature.ts): per row and tree, a pass down the splits
  ;; giving each child its Q products of g at the Gauss points (its parent's times its vector at
  ;; its state), then a pass up summing them over the subtree and adding each split's two edges'
  ;; Σ S·W to its feature. No branch on the row: a child's state picks its vectors. Two points at
  ;; a time in f64x2 lanes (Q is even); the same additions in the same order as quadratureShapRow,
  ;; whose dot products keep the two lanes' sums apart too.
  ;;   bits:   i32 per node, at a split the bit of its feature on the path;
  ;;   points: i32 per tree, Q;  vecAt: i32 per node, the byte address of its 6Q vectors as a child
  ;;           (R at states 0, 1, 2, then W at states 0, 1, 2);
  ;;   splitStarts: i32 per tree + 1, where its splits start in `splits` (i32 global node indices);
  ;;   buf: f64 scratch, Q per node of the largest tree; masks, state: i32 scratch per node.
  (func (export "quad")
    (param $n i32) (param $q i32) (param $trees i32) (param $starts i32) (param $words i32)
    (param $lefts i32) (param $bits i32) (param $points i32) (param $vecAt i32) (param $splitStarts i32)
    (param $splits i32) (param $values i32) (param $bins i32) (param $phi i32) (param $sum i32)
    (param $buf i32) (param $masks i32) (param $state i32)
    (local $t i32) (local $i i32) (local $start i32) (local $first i32) (local $last i32) (local $s i32)
    (local $g i32) (local $k i32) (local $w i32) (local $b i32) (local $right i32) (local $m i32)
    (local $bit i32) (local $cleared i32) (local $alive i32) (local $l i32) (local $row i32)
    (local $rowPhi i32) (local $out i32) (local $q8 i32) (local $Q8 i32) (local $j i32) (local $kb i32)
    (local $cb i32) (local $c i32) (local $st i32) (local $r i32) (local $lb i32) (local $at i32)
    (local $acc v128)
    (local.set $q8 (i32.shl (local.get $q) (i32.const 3)))
    (block $treesDone
      (loop $trees
        (br_if $treesDone (i32.ge_u (local.get $t) (local.get $trees)))
        (local.set $start (i32.load (i32.add (local.get $starts) (i32.shl (local.get $t) (i32.const 2)))))
        (local.set $first (i32.load (i32.add (local.get $splitStarts) (i32.shl (local.get $t) (i32.const 2)))))
        (local.set $last (i32.load offset=4 (i32.add (local.get $splitStarts) (i32.shl (local.get $t) (i32.const 2)))))
        (local.set $Q8 (i32.shl (i32.load (i32.add (local.get $points) (i32.shl (local.get $t) (i32.const 2)))) (i32.const 3)))
        (local.set $i (i32.const 0))
        (local.set $row (local.get $bins))
        (local.set $rowPhi (local.get $phi))
        (local.set $out (local.get $sum))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $n)))
            ;; A tree of one leaf: its value.
            (if (i32.eq (local.get $first) (local.get $last))
              (then (f64.store (local.get $out) (f64.add (f64.load (local.get $out))
                (f64.load (i32.add (local.get $values) (i32.shl (local.get $start) (i32.const 3))))))))
            (i32.store (local.get $masks) (i32.const -1))
            (local.set $j (i32.const 0))
            (block $onesDone
              (loop $ones
                (br_if $onesDone (i32.ge_u (local.get $j) (local.get $Q8)))
                (v128.store (i32.add (local.get $buf) (local.get $j)) (v128.const f64x2 1 1))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $ones)))
            ;; Down.
            (local.set $s (local.get $first))
            (block $downDone
              (loop $down
                (br_if $downDone (i32.ge_u (local.get $s) (local.get $last)))
                (local.set $g (i32.load (i32.add (local.get $splits) (i32.shl (local.get $s) (i32.const 2)))))
                (local.set $k (i32.sub (local.get $g) (local.get $start)))
                (local.set $kb (i32.add (local.get $buf) (i32.mul (local.get $k) (local.get $Q8))))
                (local.set $w (i32.load (i32.add (local.get $words) (i32.shl (local.get $g) (i32.const 2)))))
                (local.set $b (i32.load8_u (i32.add (local.get $row) (i32.shr_u (local.get $w) (i32.const 16)))))
                (local.set $right (i32.and
                  (i32.shr_u (i32.sub (i32.and (local.get $w) (i32.const 0xff)) (local.get $b)) (i32.const 31))
                  (i32.shr_u (i32.sub (i32.sub (local.get $b) (i32.const 255)) (i32.and (i32.shr_u (local.get $w) (i32.const 8)) (i32.const 1))) (i32.const 31))))
                (local.set $m (i32.load (i32.add (local.get $masks) (i32.shl (local.get $k) (i32.const 2)))))
                (local.set $bit (i32.load (i32.add (local.get $bits) (i32.shl (local.get $g) (i32.const 2)))))
                (local.set $alive (i32.ne (i32.and (local.get $m) (local.get $bit)) (i32.const 0)))
                (local.set $cleared (i32.and (local.get $m) (i32.xor (local.get $bit) (i32.const -1))))
                (local.set $l (i32.load (i32.add (local.get $lefts) (i32.shl (local.get $g) (i32.const 2)))))
                (local.set $at (i32.add (local.get $masks) (i32.shl (local.get $l) (i32.const 2))))
                (i32.store (local.get $at) (select (local.get $cleared) (local.get $m) (local.get $right)))
                (i32.store offset=4 (local.get $at) (select (local.get $m) (local.get $cleared) (local.get $right)))
                (local.set $c (local.get $l))
                (block $childrenDone
                  (loop $children
                    (br_if $childrenDone (i32.gt_u (local.get $c) (i32.add (local.get $l) (i32.const 1))))
                    ;; State: 0 no longer followed, 1 followed (left and not right, or right and right), 2 not.
                    (local.set $st (i32.mul (local.get $alive)
                      (i32.sub (i32.const 2) (i32.xor (local.get $right) (i32.eq (local.get $c) (local.get $l))))))
                    (i32.store (i32.add (local.get $state) (i32.shl (local.get $c) (i32.const 2))) (local.get $st))
                    (local.set $r (i32.add
                      (i32.load (i32.add (local.get $vecAt) (i32.shl (i32.add (local.get $start) (local.get $c)) (i32.const 2))))
                      (i32.mul (local.get $st) (local.get $Q8))))
                    (local.set $cb (i32.add (local.get $buf) (i32.mul (local.get $c) (local.get $Q8))))
                    (local.set $j (i32.const 0))
                    (block $timesDone
                      (loop $times
                        (br_if $timesDone (i32.ge_u (local.get $j) (local.get $Q8)))
                        (v128.store (i32.add (local.get $cb) (local.get $j))
                          (f64x2.mul (v128.load (i32.add (local.get $kb) (local.get $j))) (v128.load (i32.add (local.get $r) (local.get $j)))))
                        (local.set $j (i32.add (local.get $j) (i32.const 16)))
                        (br $times)))
                    ;; The leaf the row reaches (mask untouched) adds its value; splits hold 0.
                    (f64.store (local.get $out) (f64.add (f64.load (local.get $out))
                      (select
                        (f64.load (i32.add (local.get $values) (i32.shl (i32.add (local.get $start) (local.get $c)) (i32.const 3))))
                        (f64.const 0)
                        (i32.eq (i32.load (i32.add (local.get $masks) (i32.shl (local.get $c) (i32.const 2)))) (i32.const -1)))))
                    (local.set $c (i32.add (local.get $c) (i32.const 1)))
                    (br $children)))
                (local.set $s (i32.add (local.get $s) (i32.const 1)))
                (br $down)))
            ;; Up.
            (local.set $s (local.get $last))
            (block $upDone
              (loop $up
                (br_if $upDone (i32.le_u (local.get $s) (local.get $first)))
                (local.set $s (i32.sub (local.get $s) (i32.const 1)))
                (local.set $g (i32.load (i32.add (local.get $splits) (i32.shl (local.get $s) (i32.const 2)))))
                (local.set $kb (i32.add (local.get $buf) (i32.mul (i32.sub (local.get $g) (local.get $start)) (local.get $Q8))))
                (local.set $l (i32.load (i32.add (local.get $lefts) (i32.shl (local.get $g) (i32.const 2)))))
                (local.set $lb (i32.add (local.get $buf) (i32.mul (local.get $l) (local.get $Q8))))
                (local.set $acc (v128.const f64x2 0 0))
                (local.set $c (local.get $l))
                (block $edgesDone
                  (loop $edges
                    (br_if $edgesDone (i32.gt_u (local.get $c) (i32.add (local.get $l) (i32.const 1))))
                    (local.set $r (i32.add
                      (i32.load (i32.add (local.get $vecAt) (i32.shl (i32.add (local.get $start) (local.get $c)) (i32.const 2))))
                      (i32.mul (i32.add (i32.const 3) (i32.load (i32.add (local.get $state) (i32.shl (local.get $c) (i32.const 2))))) (local.get $Q8))))
                    (local.set $cb (i32.add (local.get $buf) (i32.mul (local.get $c) (local.get $Q8))))
                    (local.set $j (i32.const 0))
                    (block $dotDone
                      (loop $dot
                        (br_if $dotDone (i32.ge_u (local.get $j) (local.get $Q8)))
                        (local.set $acc (f64x2.add (local.get $acc)
                          (f64x2.mul (v128.load (i32.add (local.get $cb) (local.get $j))) (v128.load (i32.add (local.get $r) (local.get $j))))))
                        (local.set $j (i32.add (local.get $j) (i32.const 16)))
                        (br $dot)))
                    (local.set $c (i32.add (local.get $c) (i32.const 1)))
                    (br $edges)))
                (local.set $j (i32.const 0))
                (block $addDone
                  (loop $add
                    (br_if $addDone (i32.ge_u (local.get $j) (local.get $Q8)))
                    (v128.store (i32.add (local.get $kb) (local.get $j))
                      (f64x2.add (v128.load (i32.add (local.get $lb) (local.get $j))) (v128.load (i32.add (i32.add (local.get $lb) (local.get $Q8)) (local.get $j)))))
                    (local.set $j (i32.add (local.get $j) (i32.const 16)))
                    (br $add)))
                (local.set $w (i32.load (i32.add (local.get $words) (i32.shl (local.get $g) (i32.const 2)))))
                (local.set $at (i32.add (local.get $rowPhi) (i32.shl (i32.shr_u (local.get $w) (i32.const 16)) (i32.const 3))))
                (f64.store (local.get $at) (f64.add (f64.load (local.get $at))
                  (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc)))))
                (br $up)))
            (local.set $out (i32.add (local.get $out) (i32.const 8)))
            (local.set $row (i32.add (local.get $row) (local.get $q)))
            (local.set $rowPhi (i32.add (local.get $rowPhi) (local.get $q8)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rows)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $trees)))))

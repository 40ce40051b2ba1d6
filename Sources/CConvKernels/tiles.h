#ifndef CK_TILES_H
#define CK_TILES_H
/* Shared between the direct and the Winograd convolutions (not part of the module's interface). */

/* tile[i][l] = Σ_k a[k][i] · b[k·ldb + l] for i < CK_MR, l < CK_NR: one FMA chain per output in k
 * order, the same bits on every instruction set. */
typedef void (*ck_strided_tile_fn)(int K, const float *a, const float *b, int ldb, float *tile);
ck_strided_tile_fn ck_strided_tile(int isa);

#endif

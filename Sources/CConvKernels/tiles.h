#ifndef CK_TILES_H
#define CK_TILES_H
/* Shared between the direct and the Winograd convolutions (not part of the module's interface). */

/* tile[i][l] = Σ_k a[k][i] · b[k·ldb + l] for i < CK_MR, l < CK_NR: one FMA chain per output in k
 * order, the same bits on every instruction set. */
typedef void (*ck_strided_tile_fn)(int K, const float *a, const float *b, int ldb, float *tile);
ck_strided_tile_fn ck_strided_tile(int isa);

/* The AVX-512 micro-kernel on one panel read from the input itself (implicit_gemm.c): src0 is the
 * sample's input at the panel's first pixel, tapMask[ky·kw + kx] the lanes inside the map for each
 * tap (48 bits); bit-identical to im2col + the strided tile. */
void ck_implicit_tile_avx512(const float *src0, int C, int plane, int W, int kh, int kw, int padTop, int padLeft,
                             const unsigned long long *tapMask, int Kp, const float *a, float *tile);

#endif

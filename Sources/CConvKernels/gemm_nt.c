#include "CConvKernels.h"
#include <immintrin.h>
#include <math.h>
#include <string.h>

/* C[m][n] = sum_k A[m][k] * B[n][k]: the engine's own matrix product for the weight gradients, the
 * dense layers and the contrastive similarities, so that no result depends on which OpenBLAS kernel a
 * machine loads (Haswell and Cooperlake round differently, platform-notes §3).
 *
 * The reduction of every output is fixed by K alone (see CConvKernels.h): k is cut into blocks of
 * CK_NT_KB; inside a block, lane l (0..15) is one FMA chain over k = k0 + l, k0 + l + 16, ... in order
 * (lanes past the block's end multiply zeros, on every path); the 16 lanes are then added in a fixed
 * tree, (l, l+8), (l, l+4), (l, l+2), (0, 1), and the block's sum added to the output, blocks in order.
 * The AVX-512 path keeps one 16-lane register per output, the AVX2 path two 8-lane halves, the portable
 * path 16 floats: the same operations on the same values, so the same bits (a test forces each). */

#define KB CK_NT_KB

static inline int imin(int a, int b) { return a < b ? a : b; }

/* The portable tree, also used by the AVX2 path after it has added its halves. */
static inline float tree8(const float *s8) {
    float s4[4], s2[2];
    for (int i = 0; i < 4; i++) s4[i] = s8[i] + s8[i + 4];
    for (int i = 0; i < 2; i++) s2[i] = s4[i] + s4[i + 2];
    return s2[0] + s2[1];
}

/* ---- AVX-512: 4 x 4 outputs per tile, one zmm accumulator each ----
 * A 4 x 6 tile (24 accumulators, 4 A and 1 B register: 29 of 32) made clang spill accumulators to the
 * stack inside the k loop; 4 x 4 keeps them in registers and ran 1.2-2x faster on the network's dW
 * shapes (C harness, CPU time). The tile shape only groups outputs that are each computed on their own,
 * so it does not touch the bits. */
#define TN 4

__attribute__((target("avx512f")))
static inline float hsum512(__m512 v) {
    const __m256 s8 = _mm256_add_ps(_mm512_castps512_ps256(v),
                                    _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
    const __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
    const __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
    return _mm_cvtss_f32(_mm_add_ss(s2, _mm_shuffle_ps(s2, s2, 1)));
}

/* One block [k0, k1) of a 4 x TN tile; rows past the matrix edge point at a valid row and their results
 * are dropped by the caller (every output is computed on its own, so duplicates change nothing). */
__attribute__((target("avx512f")))
static void tile_avx512(int k0, int k1, const float *const a[4], const float *const b[TN], float out[4][TN]) {
    __m512 c[4][TN];
    for (int i = 0; i < 4; i++) for (int j = 0; j < TN; j++) c[i][j] = _mm512_setzero_ps();
    int k = k0;
    for (; k + 16 <= k1; k += 16) {
        __m512 av[4];
        for (int i = 0; i < 4; i++) av[i] = _mm512_loadu_ps(a[i] + k);
        for (int j = 0; j < TN; j++) {
            const __m512 bv = _mm512_loadu_ps(b[j] + k);
            for (int i = 0; i < 4; i++) c[i][j] = _mm512_fmadd_ps(av[i], bv, c[i][j]);
        }
    }
    if (k < k1) {   /* masked lanes load zeros: fma(0, 0, acc) as on the other paths */
        const __mmask16 m = (__mmask16)((1u << (k1 - k)) - 1);
        __m512 av[4];
        for (int i = 0; i < 4; i++) av[i] = _mm512_maskz_loadu_ps(m, a[i] + k);
        for (int j = 0; j < TN; j++) {
            const __m512 bv = _mm512_maskz_loadu_ps(m, b[j] + k);
            for (int i = 0; i < 4; i++) c[i][j] = _mm512_fmadd_ps(av[i], bv, c[i][j]);
        }
    }
    for (int i = 0; i < 4; i++) for (int j = 0; j < TN; j++) out[i][j] = hsum512(c[i][j]);
}

/* ---- AVX2: 4 x 3 outputs per tile, lanes 0-7 in one pass and 8-15 in a second ---- */

__attribute__((target("avx2,fma")))
static void tile_avx2(int k0, int k1, const float *const a[4], const float *const b[3], float out[4][3]) {
    float half[2][4][3][8];
    for (int h = 0; h < 2; h++) {
        __m256 c[4][3];
        for (int i = 0; i < 4; i++) for (int j = 0; j < 3; j++) c[i][j] = _mm256_setzero_ps();
        int k = k0;
        for (; k + 16 <= k1; k += 16) {
            __m256 av[4];
            for (int i = 0; i < 4; i++) av[i] = _mm256_loadu_ps(a[i] + k + 8 * h);
            for (int j = 0; j < 3; j++) {
                const __m256 bv = _mm256_loadu_ps(b[j] + k + 8 * h);
                for (int i = 0; i < 4; i++) c[i][j] = _mm256_fmadd_ps(av[i], bv, c[i][j]);
            }
        }
        if (k < k1) {
            int lanes[8];
            for (int l = 0; l < 8; l++) lanes[l] = (k + 8 * h + l < k1) ? -1 : 0;
            const __m256i m = _mm256_loadu_si256((const __m256i *)lanes);
            __m256 av[4];
            for (int i = 0; i < 4; i++) av[i] = _mm256_maskload_ps(a[i] + k + 8 * h, m);
            for (int j = 0; j < 3; j++) {
                const __m256 bv = _mm256_maskload_ps(b[j] + k + 8 * h, m);
                for (int i = 0; i < 4; i++) c[i][j] = _mm256_fmadd_ps(av[i], bv, c[i][j]);
            }
        }
        for (int i = 0; i < 4; i++) for (int j = 0; j < 3; j++) _mm256_storeu_ps(half[h][i][j], c[i][j]);
    }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++) {
            float s8[8];
            for (int l = 0; l < 8; l++) s8[l] = half[0][i][j][l] + half[1][i][j][l];
            out[i][j] = tree8(s8);
        }
}

/* ---- Portable: one output at a time, 16 float lanes ---- */

static float block_scalar(int k0, int k1, const float *a, const float *b) {
    float acc[16] = {0};
    for (int k = k0; k < k1; k += 16)
        for (int l = 0; l < 16; l++) {
            const int kk = k + l;
            acc[l] = kk < k1 ? fmaf(a[kk], b[kk], acc[l]) : fmaf(0.0f, 0.0f, acc[l]);
        }
    float s8[8];
    for (int l = 0; l < 8; l++) s8[l] = acc[l] + acc[l + 8];
    return tree8(s8);
}

void ck_gemm_nt(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc) {
    for (int m = 0; m < M; m++) memset(C + (size_t)m * ldc, 0, sizeof(float) * (size_t)N);
    const int isa = ck_isa();
    /* Block over k outermost: a block of A (M rows x KB) stays in L2 while the B rows of one tile sit in
     * L1; the order of the blocks is the order of the sum, whatever the loop nesting. */
    for (int k0 = 0; k0 < K; k0 += KB) {
        const int k1 = imin(K, k0 + KB);
        if (isa == CK_ISA_AVX512) {
            for (int n0 = 0; n0 < N; n0 += TN) {
                const int nr = imin(TN, N - n0);
                const float *b[TN];
                for (int j = 0; j < TN; j++) b[j] = B + (size_t)(n0 + imin(j, nr - 1)) * ldb;
                for (int m0 = 0; m0 < M; m0 += 4) {
                    const int mr = imin(4, M - m0);
                    const float *a[4];
                    for (int i = 0; i < 4; i++) a[i] = A + (size_t)(m0 + imin(i, mr - 1)) * lda;
                    float out[4][TN];
                    tile_avx512(k0, k1, a, b, out);
                    for (int i = 0; i < mr; i++)
                        for (int j = 0; j < nr; j++) C[(size_t)(m0 + i) * ldc + n0 + j] += out[i][j];
                }
            }
        } else if (isa == CK_ISA_AVX2) {
            for (int n0 = 0; n0 < N; n0 += 3) {
                const int nr = imin(3, N - n0);
                const float *b[3];
                for (int j = 0; j < 3; j++) b[j] = B + (size_t)(n0 + imin(j, nr - 1)) * ldb;
                for (int m0 = 0; m0 < M; m0 += 4) {
                    const int mr = imin(4, M - m0);
                    const float *a[4];
                    for (int i = 0; i < 4; i++) a[i] = A + (size_t)(m0 + imin(i, mr - 1)) * lda;
                    float out[4][3];
                    tile_avx2(k0, k1, a, b, out);
                    for (int i = 0; i < mr; i++)
                        for (int j = 0; j < nr; j++) C[(size_t)(m0 + i) * ldc + n0 + j] += out[i][j];
                }
            }
        } else {
            for (int m = 0; m < M; m++)
                for (int n = 0; n < N; n++)
                    C[(size_t)m * ldc + n] += block_scalar(k0, k1, A + (size_t)m * lda, B + (size_t)n * ldb);
        }
    }
}

void ck_transpose(int rows, int cols, const float *src, int lds, float *dst, int ldd) {
    /* 16 x 16 blocks: both the reads and the writes stay within a few cache lines per block. */
    for (int r0 = 0; r0 < rows; r0 += 16)
        for (int c0 = 0; c0 < cols; c0 += 16) {
            const int r1 = imin(rows, r0 + 16), c1 = imin(cols, c0 + 16);
            for (int r = r0; r < r1; r++)
                for (int c = c0; c < c1; c++) dst[(size_t)c * ldd + r] = src[(size_t)r * lds + c];
        }
}

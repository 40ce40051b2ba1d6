#include "CConvKernels.h"
#include <immintrin.h>
#include <string.h>

/* The weight gradient of a one-sample chunk, dW = dY · colsᵀ, with the im2col matrix never written:
 * for maps whose width is a multiple of 16, the 16 pixels of one reduction step lie in one map row, so
 * a row of cols for tap (ci, ky, kx) is, 16 lanes at a time, one shifted run of an input row, with the
 * lanes past the left or right edge (only in a row's first or last step) and whole rows outside the
 * map loading zeros. Those are the values im2col writes, fed to the AVX-512 path of ck_gemm_nt step
 * for step: the same 16-lane FMA chains per k-block of CK_NT_KB, the same lane tree, block sums added
 * in order onto zero. So the bits are ck_gemm_nt's on the unrolled matrix (a test compares them). */

#define KB CK_NT_KB

static inline int imin(int a, int b) { return a < b ? a : b; }

__attribute__((target("avx512f")))
static inline float hsum512(__m512 v) {
    const __m256 s8 = _mm256_add_ps(_mm512_castps512_ps256(v),
                                    _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
    const __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
    const __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
    return _mm_cvtss_f32(_mm_add_ss(s2, _mm_shuffle_ps(s2, s2, 1)));
}

int ck_implicit_weight_gradient_applies(int W) { return ck_isa() == CK_ISA_AVX512 && W % 16 == 0; }

/* One B row of the tile: its tap's offsets. */
typedef struct { ptrdiff_t base; int dky, dkx; } Tap;

__attribute__((target("avx512f")))
static void tile(const float *x, int H, int W, int row0, int k0, int k1, const float *const a[4], const Tap t[6],
                 float out[4][6]) {
    __m512 c[4][6];
    for (int i = 0; i < 4; i++) for (int j = 0; j < 6; j++) c[i][j] = _mm512_setzero_ps();
    int r = k0 / W, col = k0 - r * W;
    for (int k = k0; k < k1; k += 16) {
        __m512 av[4];
        for (int i = 0; i < 4; i++) av[i] = _mm512_loadu_ps(a[i] + k);
        const int iy = row0 + r;
        for (int j = 0; j < 6; j++) {
            __m512 bv = _mm512_setzero_ps();
            const int y = iy + t[j].dky;
            if (y >= 0 && y < H) {
                const float *src = x + t[j].base + (ptrdiff_t)iy * W + col;
                const int dkx = t[j].dkx;
                if (col == 0 && dkx < 0) bv = _mm512_maskz_loadu_ps((__mmask16)(0xFFFFu << -dkx), src);
                else if (col + 16 == W && dkx > 0) bv = _mm512_maskz_loadu_ps((__mmask16)(0xFFFFu >> dkx), src);
                else bv = _mm512_loadu_ps(src);
            }
            for (int i = 0; i < 4; i++) c[i][j] = _mm512_fmadd_ps(av[i], bv, c[i][j]);
        }
        if ((col += 16) == W) { col = 0; r++; }
    }
    for (int i = 0; i < 4; i++) for (int j = 0; j < 6; j++) out[i][j] = hsum512(c[i][j]);
}

void ck_implicit_weight_gradient(const float *x, const float *dy, int C, int H, int W, int kh, int kw, int padTop,
                                 int padLeft, int M, int row0, int rows, int nBegin, int nEnd, float *dw, int ldw) {
    (void)C;
    const int plane = H * W, Kred = rows * W, taps = kh * kw, N = nEnd - nBegin;
    for (int m = 0; m < M; m++) memset(dw + (size_t)m * ldw + nBegin, 0, sizeof(float) * (size_t)N);
    for (int k0 = 0; k0 < Kred; k0 += KB) {
        const int k1 = imin(Kred, k0 + KB);
        for (int n0 = 0; n0 < N; n0 += 6) {
            const int nr = imin(6, N - n0);
            Tap t[6];
            for (int j = 0; j < 6; j++) {
                /* rows past the edge repeat the last one; their results are dropped */
                const int n = nBegin + n0 + imin(j, nr - 1), ci = n / taps, q = n - ci * taps;
                const int ky = q / kw, kx = q - ky * kw;
                t[j] = (Tap){(ptrdiff_t)ci * plane + (ptrdiff_t)(ky - padTop) * W + (kx - padLeft), ky - padTop,
                             kx - padLeft};
            }
            for (int m0 = 0; m0 < M; m0 += 4) {
                const int mr = imin(4, M - m0);
                const float *a[4];
                for (int i = 0; i < 4; i++) a[i] = dy + (size_t)(m0 + imin(i, mr - 1)) * plane + (size_t)row0 * W;
                float out[4][6];
                tile(x, H, W, row0, k0, k1, a, t, out);
                for (int i = 0; i < mr; i++)
                    for (int j = 0; j < nr; j++) dw[(size_t)(m0 + i) * ldw + nBegin + n0 + j] += out[i][j];
            }
        }
    }
}

#include "CConvKernels.h"
#include "tiles.h"
#include <immintrin.h>

/* The forward micro-kernel reading its B operand straight from the input ("implicit GEMM"), for panels
 * of CK_NR consecutive pixels of one sample (chunks whose pixel count is a multiple of CK_NR): for a
 * kernel tap, the panel's lanes read one contiguous run of an input plane, shifted by the tap, and the
 * lanes whose pixel falls outside the map (a row above or below, a column left or right, also where a
 * panel wraps from one row to the next) load zeros under the tap's mask. That is exactly the panel the
 * im2col path would have written, fed to the same FMA chains in the same k order (zero rows past K
 * included), so the results are bit-identical to it; what is saved is writing the panel and reading
 * it back, which at 8-16 input channels cost as much as the multiply-adds. */

#define FULL48 ((1ULL << 48) - 1)

__attribute__((target("avx512f")))
void ck_implicit_tile_avx512(const float *src0, int C, int plane, int W, int kh, int kw, int padTop, int padLeft,
                             const unsigned long long *tapMask, int Kp, const float *a, float *tile) {
    __m512 c[CK_MR][3];
    for (int i = 0; i < CK_MR; i++) for (int v = 0; v < 3; v++) c[i][v] = _mm512_setzero_ps();
    const __m512 zero = _mm512_setzero_ps();
    int k = 0;
    for (int ci = 0; ci < C; ci++)
        for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++, k++, a += CK_MR) {
                const unsigned long long m = tapMask[ky * kw + kx];
                /* masked lanes are not read, so src may point outside the plane */
                const float *src = src0 + (ptrdiff_t)ci * plane + (ptrdiff_t)(ky - padTop) * W + (kx - padLeft);
                __m512 b0, b1, b2;
                if (m == FULL48) {
                    b0 = _mm512_loadu_ps(src); b1 = _mm512_loadu_ps(src + 16); b2 = _mm512_loadu_ps(src + 32);
                } else {
                    b0 = _mm512_maskz_loadu_ps((__mmask16)(m & 0xFFFF), src);
                    b1 = _mm512_maskz_loadu_ps((__mmask16)((m >> 16) & 0xFFFF), src + 16);
                    b2 = _mm512_maskz_loadu_ps((__mmask16)((m >> 32) & 0xFFFF), src + 32);
                }
                for (int i = 0; i < CK_MR; i++) {
                    const __m512 s = _mm512_set1_ps(a[i]);
                    c[i][0] = _mm512_fmadd_ps(s, b0, c[i][0]);
                    c[i][1] = _mm512_fmadd_ps(s, b1, c[i][1]);
                    c[i][2] = _mm512_fmadd_ps(s, b2, c[i][2]);
                }
            }
    /* The zero rows that pad K to Kp, as in the panel: fma(0, 0, acc) can turn −0 into +0. */
    for (; k < Kp; k++, a += CK_MR)
        for (int i = 0; i < CK_MR; i++) {
            const __m512 s = _mm512_set1_ps(a[i]);
            c[i][0] = _mm512_fmadd_ps(s, zero, c[i][0]);
            c[i][1] = _mm512_fmadd_ps(s, zero, c[i][1]);
            c[i][2] = _mm512_fmadd_ps(s, zero, c[i][2]);
        }
    for (int i = 0; i < CK_MR; i++)
        for (int v = 0; v < 3; v++) _mm512_storeu_ps(tile + i * CK_NR + 16 * v, c[i][v]);
}

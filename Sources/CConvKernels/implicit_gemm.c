#include "CConvKernels.h"
#include "tiles.h"
#include <immintrin.h>

/* The forward micro-kernel reading its B operand straight from the input ("implicit GEMM"), for panels
 * that lie within one row of one sample (maps whose width is a multiple of CK_NR). For a kernel tap,
 * the panel's 48 lanes read one contiguous run of an input row, shifted by the tap; lanes whose column
 * falls outside the map, and whole rows outside it, load zeros. That is exactly the panel the im2col
 * path would have written, fed to the same FMA chains in the same k order (zero rows past K included),
 * so the results are bit-identical to it; what is saved is writing the panel and reading it back, which
 * at 8-16 input channels cost as much as the multiply-adds. */

__attribute__((target("avx512f")))
void ck_implicit_tile_avx512(const float *xs, int C, int H, int W, int kh, int kw, int padTop, int padLeft,
                             int r, int c0, int Kp, const float *a, float *tile) {
    const int plane = H * W;
    __m512 c[CK_MR][3];
    for (int i = 0; i < CK_MR; i++) for (int v = 0; v < 3; v++) c[i][v] = _mm512_setzero_ps();
    /* Lanes l with 0 <= c0 + l + kx - padLeft < W, per kernel column, 16 lanes per mask. */
    __mmask16 colMask[16][3];
    int full[16];
    for (int kx = 0; kx < kw; kx++) {
        full[kx] = 1;
        for (int v = 0; v < 3; v++) {
            unsigned m = 0;
            for (int l = 0; l < 16; l++) {
                const int ix = c0 + 16 * v + l + kx - padLeft;
                if (ix >= 0 && ix < W) m |= 1u << l;
            }
            colMask[kx][v] = (__mmask16)m;
            if (m != 0xFFFFu) full[kx] = 0;
        }
    }
    const __m512 zero = _mm512_setzero_ps();
    int k = 0;
    for (int ci = 0; ci < C; ci++)
        for (int ky = 0; ky < kh; ky++) {
            const int iy = r + ky - padTop;
            const int rowOk = iy >= 0 && iy < H;
            const float *row = xs + (ptrdiff_t)ci * plane + (ptrdiff_t)iy * W + c0 - padLeft;
            for (int kx = 0; kx < kw; kx++, k++, a += CK_MR) {
                __m512 b0 = zero, b1 = zero, b2 = zero;
                if (rowOk) {
                    const float *src = row + kx;
                    if (full[kx]) {
                        b0 = _mm512_loadu_ps(src); b1 = _mm512_loadu_ps(src + 16); b2 = _mm512_loadu_ps(src + 32);
                    } else {   /* masked lanes are not read, so src may point outside the plane */
                        b0 = _mm512_maskz_loadu_ps(colMask[kx][0], src);
                        b1 = _mm512_maskz_loadu_ps(colMask[kx][1], src + 16);
                        b2 = _mm512_maskz_loadu_ps(colMask[kx][2], src + 32);
                    }
                }
                for (int i = 0; i < CK_MR; i++) {
                    const __m512 s = _mm512_set1_ps(a[i]);
                    c[i][0] = _mm512_fmadd_ps(s, b0, c[i][0]);
                    c[i][1] = _mm512_fmadd_ps(s, b1, c[i][1]);
                    c[i][2] = _mm512_fmadd_ps(s, b2, c[i][2]);
                }
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

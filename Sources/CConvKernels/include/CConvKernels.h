#ifndef CCONVKERNELS_H
#define CCONVKERNELS_H
#include <stddef.h>

/* The forward pass of a stride-1 convolution as a GEMM over packed column panels.
 *
 * The unrolled input (im2col) is written straight into panels of CK_NR output columns, [Kp][CK_NR]
 * each, an L2-sized group of panels at a time, and consumed from there by a CK_MR x CK_NR
 * micro-kernel: sgemm would need the im2col matrix written out in full and then copied once more
 * into its own panels, which costs more than the multiply on this network's thin layers.
 * K = C*kh*kw is padded to Kp, a multiple of 4, with zero rows so that every tile is full.
 *
 * Every output value is one fused multiply-add chain over k = 0..Kp-1 in order, then + bias, on
 * AVX-512, AVX2+FMA or portable C alike: results depend on the shape only, never on the thread
 * count or the instruction set. */

#define CK_NR 48
#define CK_MR 4

/* Instruction sets of the micro-kernels. All give bit-identical results. */
#define CK_ISA_AUTO 0
#define CK_ISA_PORTABLE 1
#define CK_ISA_AVX2 2
#define CK_ISA_AVX512 3

/* The level in use (detected on first call). */
int ck_isa(void);
/* Forces a level no higher than the CPU has (CK_ISA_AUTO: back to the detected one); returns 0 if
 * the CPU lacks it. For tests that compare the code paths; not thread-safe against running kernels. */
int ck_force_isa(int level);

int ck_panel_count(int ncols);
int ck_padded(int rows);

/* Packs w [M, K] (row-major) into blocks [ceil(M/MR)][Kp][MR], zero past M and K. */
void ck_pack_weights(const float *w, int M, int K, float *packed);

size_t ck_forward_scratch_floats(int C, int kh, int kw);

/* y = conv(x, w) (+ bias) on the chunk: output rows [row0, row0+rows) of samples
 * [sample0, sample0+samples). x [N, C, H, W], y [N, M, H, W]; padTop rows above and padLeft columns
 * left are zero (the rest of kh-1, kw-1 below and right). `scratch` holds
 * ck_forward_scratch_floats(C, kh, kw) floats and is private to the caller's thread. */
void ck_conv_forward(const float *x, int C, int H, int W, int kh, int kw, int padTop, int padLeft,
                     int M, const float *packedW, const float *bias, float *y,
                     int sample0, int samples, int row0, int rows, float *scratch);
/* The same on the chunk's panels [panel0, panel1) only (of ck_panel_count(samples · rows · W)): every
 * output column is computed whole by the call that owns its panel, so any split gives the same bits. */
void ck_conv_forward_panels(const float *x, int C, int H, int W, int kh, int kw, int padTop, int padLeft,
                            int M, const float *packedW, const float *bias, float *y,
                            int sample0, int samples, int row0, int rows, int panel0, int panel1, float *scratch);

/* C[m][n] = sum_k A[m][k] * B[n][k] (A rows of lda, B rows of ldb, C rows of ldc; C is overwritten).
 * Every output is one reduction whose order depends on K only: k in blocks of CK_NT_KB, inside a
 * block 16 lanes (lane l takes k = k0 + l, k0 + l + 16, ... as one FMA chain), the lanes added in the
 * tree (l, l+8), (l, l+4), (l, l+2), (0, 1), the block sums added in block order. Bit-identical on
 * AVX-512, AVX2+FMA and portable C, and for any split of M or N between threads. */
#define CK_NT_KB 1024
void ck_gemm_nt(int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C, int ldc);

/* dst[c][r] = src[r][c] for r < rows, c < cols. */
void ck_transpose(int rows, int cols, const float *src, int lds, float *dst, int ldd);

#endif

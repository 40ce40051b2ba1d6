#include "CConvKernels.h"
#include "tiles.h"
#include <immintrin.h>
#include <math.h>
#include <string.h>

#define NR CK_NR
#define MR CK_MR

int ck_panel_count(int ncols) { return (ncols + NR - 1) / NR; }
int ck_padded(int rows) { return (rows + 3) & ~3; }

static inline int imin(int a, int b) { return a < b ? a : b; }
static inline int imax(int a, int b) { return a > b ? a : b; }

/* A run of lanes of one panel that come from one output row of one sample. */
typedef struct { int lane0, len, n, r, c0; } Segment;

/* The runs of panel columns [j0, j0+count) (count <= NR); returns their number. */
static int panel_segments(int j0, int count, int rows, int W, Segment *seg) {
    const int per = rows * W;
    int lane = 0, ns = 0;
    while (lane < count) {
        int j = j0 + lane;
        int n = j / per, off = j - n * per;
        int r = off / W, c = off - r * W;
        int len = imin(W - c, count - lane);
        seg[ns++] = (Segment){lane, len, n, r, c};
        lane += len;
    }
    return ns;
}

/* ---- AVX-512 versions of the panel copies: masked loads and stores instead of per-row memcpy ----
 * Within a panel, the lanes of one sample read one contiguous run of each input plane (shifted by the
 * tap), so a panel row is three 16-lane masked loads per sample; the mask drops the lanes whose tap
 * falls outside the map (masked lanes are never read, so the addresses may lie outside the plane). */

/* Lanes [lane0, lane0 + len) of a panel come from sample n, at offsets off0… of its band. */
typedef struct { int lane0, len, n, off0; } Part;

static int panel_parts(int j0, int count, int per, Part *part) {
    int lane = 0, np = 0;
    while (lane < count) {
        const int j = j0 + lane, n = j / per, off = j - n * per;
        const int len = imin(per - off, count - lane);
        part[np++] = (Part){lane, len, n, off};
        lane += len;
    }
    return np;
}

static inline unsigned long long lane_range(int lane0, int len) {
    return (len >= 64 ? ~0ULL : ((1ULL << len) - 1)) << lane0;
}

/* tapMask[ky·kw + kx]: the lanes of panel columns [j0, j0 + count) whose input pixel for that tap
 * lies inside the map. A run of lanes within one output row is either all inside for a kernel row or
 * all outside, and inside for a kernel column over one sub-run, so the masks are built per run rather
 * than per lane. */
static void panel_tap_masks(int j0, int count, int H, int W, int kh, int kw, int padTop, int padLeft, int row0,
                            int rows, unsigned long long *tapMask) {
    unsigned long long rowOk[16] = {0}, colOk[16] = {0};
    Segment seg[NR];
    const int ns = panel_segments(j0, count, rows, W, seg);
    for (int q = 0; q < ns; q++) {
        const Segment sg = seg[q];
        const int r = row0 + sg.r;
        for (int ky = 0; ky < kh; ky++) {
            const int iy = r + ky - padTop;
            if (iy >= 0 && iy < H) rowOk[ky] |= lane_range(sg.lane0, sg.len);
        }
        for (int kx = 0; kx < kw; kx++) {
            /* columns c in [c0, c0 + len) with 0 <= c + kx - padLeft < W */
            const int lo = imax(sg.c0, padLeft - kx), hi = imin(sg.c0 + sg.len, W + padLeft - kx);
            if (lo < hi) colOk[kx] |= lane_range(sg.lane0 + lo - sg.c0, hi - lo);
        }
    }
    for (int ky = 0; ky < kh; ky++)
        for (int kx = 0; kx < kw; kx++) tapMask[ky * kw + kx] = rowOk[ky] & colOk[kx];
}

#define GROUP_MAX 16

/* Panels [p0, p0 + count) of a chunk, out[p - p0][Kp][NR]. The tap loop is outermost so that each
 * input row is read as one run across the group's panels (48 rows × 48 floats per panel defeat the
 * prefetcher on large maps). */
__attribute__((target("avx512f")))
static void im2col_group_avx512(const float *x, int C, int H, int W, int kh, int kw, int padTop, int padLeft,
                                int sample0, int samples, int row0, int rows, int p0, int npan, float *out) {
    const int K = C * kh * kw, Kp = ck_padded(K), plane = H * W, per = rows * W, ncols = samples * per;
    const int taps = kh * kw;
    Part part[GROUP_MAX][NR];
    int nparts[GROUP_MAX];
    unsigned long long partMask[GROUP_MAX][NR], tapMask[GROUP_MAX][256];
    for (int g = 0; g < npan; g++) {
        const int j0 = (p0 + g) * NR, count = imin(NR, ncols - j0);
        nparts[g] = panel_parts(j0, count, per, part[g]);
        for (int q = 0; q < nparts[g]; q++) partMask[g][q] = lane_range(part[g][q].lane0, part[g][q].len);
        panel_tap_masks(j0, count, H, W, kh, kw, padTop, padLeft, row0, rows, tapMask[g]);
        memset(out + ((size_t)g * Kp + K) * NR, 0, sizeof(float) * (size_t)(Kp - K) * NR);
    }
    int k = 0;
    for (int ci = 0; ci < C; ci++)
        for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++, k++) {
                const ptrdiff_t shift = (ptrdiff_t)(ky - padTop) * W + (kx - padLeft);
                for (int g = 0; g < npan; g++) {
                    const unsigned long long tm = tapMask[g][ky * kw + kx];
                    __m512 v0 = _mm512_setzero_ps(), v1 = v0, v2 = v0;
                    for (int q = 0; q < nparts[g]; q++) {
                        const unsigned long long m = tm & partMask[g][q];
                        if (!m) continue;
                        const Part pt = part[g][q];
                        /* src[l] is the input of lane l of this part. */
                        const float *src = x + ((ptrdiff_t)(sample0 + pt.n) * C + ci) * plane + (ptrdiff_t)row0 * W
                                           + pt.off0 - pt.lane0 + shift;
                        if (m == ~0ULL >> 16) {     /* all 48 lanes: plain loads */
                            v0 = _mm512_loadu_ps(src); v1 = _mm512_loadu_ps(src + 16); v2 = _mm512_loadu_ps(src + 32);
                        } else {
                            v0 = _mm512_mask_loadu_ps(v0, (__mmask16)(m & 0xFFFF), src);
                            v1 = _mm512_mask_loadu_ps(v1, (__mmask16)((m >> 16) & 0xFFFF), src + 16);
                            v2 = _mm512_mask_loadu_ps(v2, (__mmask16)((m >> 32) & 0xFFFF), src + 32);
                        }
                    }
                    float *dst = out + ((size_t)g * Kp + k) * NR;
                    _mm512_storeu_ps(dst, v0); _mm512_storeu_ps(dst + 16, v1); _mm512_storeu_ps(dst + 32, v2);
                }
            }
    (void)taps;
}

__attribute__((target("avx512f")))
static void scatter_tile_avx512(const float *tile, int b, int M, const float *bias, float *y, int plane,
                                int sample0, int row0, int rows, int W, int j0, int count) {
    const int per = rows * W, mEnd = imin(CK_MR, M - b * CK_MR);
    Part part[NR];
    const int nparts = panel_parts(j0, count, per, part);
    for (int i = 0; i < mEnd; i++) {
        const int m = b * CK_MR + i;
        __m512 v0 = _mm512_loadu_ps(tile + i * NR), v1 = _mm512_loadu_ps(tile + i * NR + 16),
               v2 = _mm512_loadu_ps(tile + i * NR + 32);
        if (bias) {
            const __m512 bv = _mm512_set1_ps(bias[m]);
            v0 = _mm512_add_ps(v0, bv); v1 = _mm512_add_ps(v1, bv); v2 = _mm512_add_ps(v2, bv);
        }
        for (int q = 0; q < nparts; q++) {
            const unsigned long long mk = lane_range(part[q].lane0, part[q].len);
            float *dst = y + ((ptrdiff_t)(sample0 + part[q].n) * M + m) * plane + (ptrdiff_t)row0 * W
                         + part[q].off0 - part[q].lane0;
            _mm512_mask_storeu_ps(dst, (__mmask16)(mk & 0xFFFF), v0);
            _mm512_mask_storeu_ps(dst + 16, (__mmask16)((mk >> 16) & 0xFFFF), v1);
            _mm512_mask_storeu_ps(dst + 32, (__mmask16)((mk >> 32) & 0xFFFF), v2);
        }
    }
}

/* The instruction set in use: detected on first use, or forced by ck_force_isa (tests). Written
 * with relaxed atomics because worker threads read it; every thread computes the same value. */
static int isa_level = -1;

static int detect_isa(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return CK_ISA_AVX512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return CK_ISA_AVX2;
    return CK_ISA_PORTABLE;
}

int ck_isa(void) {
    int level = __atomic_load_n(&isa_level, __ATOMIC_RELAXED);
    if (level < 0) { level = detect_isa(); __atomic_store_n(&isa_level, level, __ATOMIC_RELAXED); }
    return level;
}

int ck_force_isa(int level) {
    const int best = detect_isa();
    if (level == CK_ISA_AUTO) level = best;
    if (level > best || level < CK_ISA_PORTABLE) return 0;
    __atomic_store_n(&isa_level, level, __ATOMIC_RELAXED);
    return 1;
}

/* Panels [p0, p1) of the chunk's im2col, written to out[(p - p0)][Kp][NR]. */
static void im2col_panels(const float *x, int C, int H, int W, int kh, int kw, int padTop, int padLeft,
                          int sample0, int samples, int row0, int rows, int p0, int p1, float *out) {
    const int K = C * kh * kw, Kp = ck_padded(K), plane = H * W, ncols = samples * rows * W;
    Segment seg[NR];
    for (int p = p0; p < p1; p++) {
        const int j0 = p * NR, count = imin(NR, ncols - j0);
        float *pp = out + (size_t)(p - p0) * Kp * NR;
        if (ck_isa() == CK_ISA_AVX512 && kh <= 16 && kw <= 16) {   /* the masks are kept per kernel row and column */
            const int npan = imin(GROUP_MAX, p1 - p);
            im2col_group_avx512(x, C, H, W, kh, kw, padTop, padLeft, sample0, samples, row0, rows, p, npan, pp);
            p += npan - 1;
            continue;
        }
        const int ns = panel_segments(j0, count, rows, W, seg);
        memset(pp + (size_t)K * NR, 0, sizeof(float) * (size_t)(Kp - K) * NR);
        int k = 0;
        for (int ci = 0; ci < C; ci++) {
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++, k++) {
                    float *dst = pp + (size_t)k * NR;
                    const int shift = kx - padLeft;
                    for (int s = 0; s < ns; s++) {
                        const Segment g = seg[s];
                        float *d = dst + g.lane0;
                        const int iy = row0 + g.r + ky - padTop;
                        if (iy < 0 || iy >= H) { memset(d, 0, sizeof(float) * g.len); continue; }
                        const float *src = x + ((size_t)(sample0 + g.n) * C + ci) * plane + (size_t)iy * W;
                        /* output columns c in [c0, c0+len) read input column c + shift */
                        const int lo = imax(g.c0, -shift), hi = imin(g.c0 + g.len, W - shift);
                        if (lo >= hi) { memset(d, 0, sizeof(float) * g.len); continue; }
                        if (lo > g.c0) memset(d, 0, sizeof(float) * (lo - g.c0));
                        memcpy(d + (lo - g.c0), src + lo + shift, sizeof(float) * (hi - lo));
                        if (hi < g.c0 + g.len) memset(d + (hi - g.c0), 0, sizeof(float) * (g.c0 + g.len - hi));
                    }
                    if (count < NR) memset(dst + count, 0, sizeof(float) * (NR - count));
                }
            }
        }
    }
}

void ck_pack_weights(const float *w, int M, int K, float *packed) {
    const int mb = (M + MR - 1) / MR, Kp = ck_padded(K);
    for (int b = 0; b < mb; b++)
        for (int k = 0; k < Kp; k++)
            for (int i = 0; i < MR; i++) {
                const int m = b * MR + i;
                packed[((size_t)b * Kp + k) * MR + i] = (m < M && k < K) ? w[(size_t)m * K + k] : 0.0f;
            }
}

/* tile[i][l] = sum_k a[k][i] * b[k][l], one FMA chain per (i, l) in k order; rows of b are ldb apart
 * (NR in a panel, the row length of Winograd's transformed input). */
__attribute__((target("avx512f")))
static void gemm_tile_avx512(int K, const float *a, const float *b, int ldb, float *tile) {
    __m512 c00 = _mm512_setzero_ps(), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00;
    __m512 c20 = c00, c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00;
    for (int k = 0; k < K; k++, a += MR, b += ldb) {
        const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16), b2 = _mm512_loadu_ps(b + 32);
        __m512 s = _mm512_set1_ps(a[0]);
        c00 = _mm512_fmadd_ps(s, b0, c00); c01 = _mm512_fmadd_ps(s, b1, c01); c02 = _mm512_fmadd_ps(s, b2, c02);
        s = _mm512_set1_ps(a[1]);
        c10 = _mm512_fmadd_ps(s, b0, c10); c11 = _mm512_fmadd_ps(s, b1, c11); c12 = _mm512_fmadd_ps(s, b2, c12);
        s = _mm512_set1_ps(a[2]);
        c20 = _mm512_fmadd_ps(s, b0, c20); c21 = _mm512_fmadd_ps(s, b1, c21); c22 = _mm512_fmadd_ps(s, b2, c22);
        s = _mm512_set1_ps(a[3]);
        c30 = _mm512_fmadd_ps(s, b0, c30); c31 = _mm512_fmadd_ps(s, b1, c31); c32 = _mm512_fmadd_ps(s, b2, c32);
    }
    _mm512_storeu_ps(tile + 0 * NR, c00); _mm512_storeu_ps(tile + 0 * NR + 16, c01); _mm512_storeu_ps(tile + 0 * NR + 32, c02);
    _mm512_storeu_ps(tile + 1 * NR, c10); _mm512_storeu_ps(tile + 1 * NR + 16, c11); _mm512_storeu_ps(tile + 1 * NR + 32, c12);
    _mm512_storeu_ps(tile + 2 * NR, c20); _mm512_storeu_ps(tile + 2 * NR + 16, c21); _mm512_storeu_ps(tile + 2 * NR + 32, c22);
    _mm512_storeu_ps(tile + 3 * NR, c30); _mm512_storeu_ps(tile + 3 * NR + 16, c31); _mm512_storeu_ps(tile + 3 * NR + 32, c32);
}

/* The same arithmetic on AVX2 (two passes of 24 lanes to stay within 16 registers). */
__attribute__((target("avx2,fma")))
static void gemm_tile_avx2(int K, const float *a0, const float *b0p, int ldb, float *tile) {
    for (int half = 0; half < 2; half++) {
        const float *a = a0, *b = b0p + half * 24;
        __m256 c[MR][3];
        for (int i = 0; i < MR; i++) for (int v = 0; v < 3; v++) c[i][v] = _mm256_setzero_ps();
        for (int k = 0; k < K; k++, a += MR, b += ldb) {
            const __m256 x0 = _mm256_loadu_ps(b), x1 = _mm256_loadu_ps(b + 8), x2 = _mm256_loadu_ps(b + 16);
            for (int i = 0; i < MR; i++) {
                const __m256 s = _mm256_set1_ps(a[i]);
                c[i][0] = _mm256_fmadd_ps(s, x0, c[i][0]);
                c[i][1] = _mm256_fmadd_ps(s, x1, c[i][1]);
                c[i][2] = _mm256_fmadd_ps(s, x2, c[i][2]);
            }
        }
        for (int i = 0; i < MR; i++)
            for (int v = 0; v < 3; v++) _mm256_storeu_ps(tile + i * NR + half * 24 + v * 8, c[i][v]);
    }
}

/* Portable reference: the same FMA chains with fmaf. */
static void gemm_tile_scalar(int K, const float *a, const float *b, int ldb, float *tile) {
    for (int i = 0; i < MR * NR; i++) tile[i] = 0.0f;
    for (int k = 0; k < K; k++, a += MR, b += ldb)
        for (int i = 0; i < MR; i++)
            for (int l = 0; l < NR; l++) tile[i * NR + l] = fmaf(a[i], b[l], tile[i * NR + l]);
}

ck_strided_tile_fn ck_strided_tile(int isa) {
    return isa == CK_ISA_AVX512 ? gemm_tile_avx512 : isa == CK_ISA_AVX2 ? gemm_tile_avx2 : gemm_tile_scalar;
}

/* Writes one panel's tile rows (+ bias) to y at the panel's output positions. */
static void scatter_tile(const float *tile, int b, int M, const float *bias, float *y, int plane, int sample0,
                         int row0, int W, const Segment *seg, int ns) {
    const int mEnd = imin(MR, M - b * MR);
    for (int i = 0; i < mEnd; i++) {
        const int m = b * MR + i;
        const float *t = tile + i * NR;
        for (int s = 0; s < ns; s++) {
            const Segment g = seg[s];
            float *d = y + ((size_t)(sample0 + g.n) * M + m) * plane + (size_t)(row0 + g.r) * W + g.c0;
            if (bias) { const float bi = bias[m]; for (int l = 0; l < g.len; l++) d[l] = t[g.lane0 + l] + bi; }
            else memcpy(d, t + g.lane0, sizeof(float) * g.len);
        }
    }
}

/* Forward panels per group: unrolled together (see im2col_group_avx512), they stay in L2. */
static int forward_group(int Kp) {
    const int g = (192 * 1024) / (Kp * NR * (int)sizeof(float));
    return g < 1 ? 1 : (g > GROUP_MAX ? GROUP_MAX : g);
}

size_t ck_forward_scratch_floats(int C, int kh, int kw) {
    const int Kp = ck_padded(C * kh * kw);
    return (size_t)forward_group(Kp) * Kp * NR;
}

void ck_conv_forward(const float *x, int C, int H, int W, int kh, int kw, int padTop, int padLeft,
                     int M, const float *packedW, const float *bias, float *y,
                     int sample0, int samples, int row0, int rows, float *scratch) {
    ck_conv_forward_panels(x, C, H, W, kh, kw, padTop, padLeft, M, packedW, bias, y, sample0, samples, row0, rows,
                           0, ck_panel_count(samples * rows * W), scratch);
}

void ck_conv_forward_panels(const float *x, int C, int H, int W, int kh, int kw, int padTop, int padLeft,
                            int M, const float *packedW, const float *bias, float *y,
                            int sample0, int samples, int row0, int rows, int panel0, int panel1, float *scratch) {
    const int isa = ck_isa();
    const ck_strided_tile_fn tileFn = ck_strided_tile(isa);
    const int Kp = ck_padded(C * kh * kw), plane = H * W;
    const int ncols = samples * rows * W, np = ck_panel_count(ncols), mb = (M + MR - 1) / MR;
    float tile[MR * NR] __attribute__((aligned(64)));
    Segment seg[NR];
    const int avx512 = isa == CK_ISA_AVX512;
    const int group = forward_group(Kp);
    if (avx512 && (rows * W) % NR == 0 && kh <= 16 && kw <= 16) {
        /* Every panel is a run of consecutive pixels of one sample, so for each tap it is one shifted
         * run of an input plane: the micro-kernel reads the input directly, under the tap's lane mask. */
        const int per = rows * W;
        unsigned long long tapMask[256];
        for (int p = panel0; p < imin(np, panel1); p++) {
            const int j0 = p * NR, n = j0 / per, off = j0 - n * per;
            panel_tap_masks(j0, NR, H, W, kh, kw, padTop, padLeft, row0, rows, tapMask);
            const float *src = x + (size_t)(sample0 + n) * C * plane + (size_t)row0 * W + off;
            for (int b = 0; b < mb; b++) {
                ck_implicit_tile_avx512(src, C, plane, W, kh, kw, padTop, padLeft, tapMask, Kp,
                                        packedW + (size_t)b * Kp * MR, tile);
                scatter_tile_avx512(tile, b, M, bias, y, plane, sample0, row0, rows, W, j0, NR);
            }
        }
        return;
    }
    for (int p = panel0; p < imin(np, panel1); p++) {
        /* A group of panels is unrolled into L2 and each panel used by every row block at once. */
        if ((p - panel0) % group == 0)
            im2col_panels(x, C, H, W, kh, kw, padTop, padLeft, sample0, samples, row0, rows, p, imin(imin(np, panel1), p + group),
                          scratch);
        const float *panel = scratch + (size_t)((p - panel0) % group) * Kp * NR;
        const int j0 = p * NR, count = imin(NR, ncols - j0);
        const int ns = avx512 ? 0 : panel_segments(j0, count, rows, W, seg);
        for (int b = 0; b < mb; b++) {
            tileFn(Kp, packedW + (size_t)b * Kp * MR, panel, NR, tile);
            if (avx512) scatter_tile_avx512(tile, b, M, bias, y, plane, sample0, row0, rows, W, j0, count);
            else scatter_tile(tile, b, M, bias, y, plane, sample0, row0, W, seg, ns);
        }
    }
}


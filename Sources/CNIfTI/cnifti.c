#include "CNIfTI.h"
#include <zlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cnifti_linked_with_zlib(void) { return nifti_compiled_with_zlib(); }

// libnifti only prints its version (to stdout); capture that one line through a pipe.
void cnifti_lib_version(char *buf, size_t size) {
    if (size == 0) return;
    buf[0] = 0;
    int fds[2];
    if (pipe(fds) != 0) return;
    fflush(stdout);
    fflush(stderr);
    int saved = dup(1);
    dup2(fds[1], 1);
    nifti_disp_lib_version();
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    close(fds[1]);
    ssize_t n = read(fds[0], buf, size - 1);
    close(fds[0]);
    if (n < 0) n = 0;
    buf[n] = 0;
    char *nl = strchr(buf, '\n');
    if (nl) *nl = 0;
}

// Z_DATA_ERROR on a gzip stream: the deflate data or the trailer's CRC-32/length is wrong (corrupt),
// as opposed to a stream that just ends early (truncated).
static int gz_data_error(znzFile fp) {
    if (!fp->withz || fp->zfptr == NULL) return 0;
    int errnum = 0;
    gzerror(fp->zfptr, &errnum);
    return errnum == Z_DATA_ERROR;
}

// Reads `nbytes` voxel bytes at `offset` of a .nii/.nii.gz file, swapping to native order when
// `swap`; returns the bytes read (fewer than asked: truncated), -1 if the file cannot be opened, or
// -2 if the compressed stream is corrupt. libnifti's own loader silently turns NaN and Inf into 0,
// which would hide a broken volume.
int64_t cnifti_read_raw(const char *path, int64_t offset, void *buf, int64_t nbytes, int swapsize, int swap) {
    znzFile fp = znzopen(path, "rb", nifti_is_gzfile(path));
    if (znz_isnull(fp)) return -1;
    if (znzseek(fp, (znz_off_t)offset, SEEK_SET) < 0) { znzclose(fp); return 0; }
    int64_t got = 0;
    char *p = (char *)buf;
    while (got < nbytes) {
        size_t want = (size_t)(nbytes - got) < ((size_t)1 << 30) ? (size_t)(nbytes - got) : ((size_t)1 << 30);
        size_t n = znzread(p + got, 1, want, fp);
        if (n == (size_t)-1 && gz_data_error(fp)) { znzclose(fp); return -2; }
        if (n == 0 || n == (size_t)-1) break;
        got += (int64_t)n;
    }
    // zlib checks the gzip trailer (CRC-32 and length) only when the stream is read to its end: without
    // this, overwritten bytes that still inflate would give wrong voxels and no error.
    if (got == nbytes && fp->withz) {
        char tail[1 << 16];
        size_t n;
        while ((n = znzread(tail, 1, sizeof tail, fp)) != 0) {
            if (n == (size_t)-1) {
                if (gz_data_error(fp)) { znzclose(fp); return -2; }
                break;
            }
        }
    }
    znzclose(fp);
    if (swap && swapsize > 1) nifti_swap_Nbytes(got / swapsize, swapsize, buf);
    return got;
}

// pixdim[0..7] as the header stores them: libnifti's nifti_image_read replaces a pixdim of 0
// ("unspecified") by 1, which would hide a header whose voxel size is missing. Returns the NIfTI
// version (1 or 2), or 0 when the header cannot be read.
int cnifti_raw_pixdim(const char *path, double out[8]) {
    int version = 0;
    void *header = nifti_read_header(path, &version, 0);
    if (header == NULL) return 0;
    // nifti_read_header returns the bytes as stored: swap when the header size reads wrongly
    // (a file of the other byte order).
    if (version == 2) {
        nifti_2_header *h = (nifti_2_header *)header;
        int swap = h->sizeof_hdr != 540;
        if (swap) nifti_swap_8bytes(8, h->pixdim);
        for (int i = 0; i < 8; i++) out[i] = h->pixdim[i];
    } else {
        nifti_1_header *h = (nifti_1_header *)header;
        int swap = h->sizeof_hdr != 348;
        if (swap) nifti_swap_4bytes(8, h->pixdim);
        for (int i = 0; i < 8; i++) out[i] = (double)h->pixdim[i];
        version = 1;
    }
    free(header);
    return version;
}

// Writes a single-file NIfTI at `path` whose header is `template_path`'s, field for field, except
// datatype, bitpix, scl_slope 1 / scl_inter 0, cal_min/cal_max 0, descrip, vox_offset and magic
// (single file, no extensions). Everything that places the file in space stays as stored: dims
// (a 4-D singleton axis too), pixdim, qform/sform codes, the quaternion even under qform_code 0
// (libnifti's own writer zeroes it then), srows, xyzt_units, slice and time fields. The header is
// written in native byte order, like `voxels` (native-order values of `datatype`).
// Returns 0; -1: the template's header cannot be read; -4: the template is ANALYZE 7.5 (no NIfTI
// fields to keep); -2: `path` cannot be created; -3: a write failed.
int cnifti_write_like(const char *template_path, const char *path, const void *voxels, int64_t nbytes,
                      int datatype, int bitpix, const char *descrip) {
    int version = 0;
    void *header = nifti_read_header(template_path, &version, 0);
    if (header == NULL) return -1;
    size_t header_size;
    if (version == 2) {
        nifti_2_header *h = (nifti_2_header *)header;
        if (h->sizeof_hdr != 540) swap_nifti_header(h, 2);
        h->datatype = (int16_t)datatype;
        h->bitpix = (int16_t)bitpix;
        h->scl_slope = 1; h->scl_inter = 0; h->cal_min = 0; h->cal_max = 0;
        memset(h->descrip, 0, sizeof h->descrip);
        strncpy(h->descrip, descrip, sizeof h->descrip - 1);
        h->vox_offset = 544;
        memcpy(h->magic, "n+2\0\r\n\032\n", 8);
        header_size = 540;
    } else {
        nifti_1_header *h = (nifti_1_header *)header;
        if (h->sizeof_hdr != 348) swap_nifti_header(h, 1);
        if (strcmp(h->magic, "n+1") != 0 && strcmp(h->magic, "ni1") != 0) { free(header); return -4; }
        h->datatype = (short)datatype;
        h->bitpix = (short)bitpix;
        h->scl_slope = 1; h->scl_inter = 0; h->cal_min = 0; h->cal_max = 0;
        memset(h->descrip, 0, sizeof h->descrip);
        strncpy(h->descrip, descrip, sizeof h->descrip - 1);
        h->vox_offset = 352;
        memcpy(h->magic, "n+1\0", 4);
        header_size = 348;
    }
    znzFile fp = znzopen(path, "wb", nifti_is_gzfile(path));
    if (znz_isnull(fp)) { free(header); return -2; }
    const char extension[4] = {0, 0, 0, 0};
    int ok = znzwrite(header, 1, header_size, fp) == header_size
          && znzwrite(extension, 1, 4, fp) == 4
          && (nbytes == 0 || znzwrite(voxels, 1, (size_t)nbytes, fp) == (size_t)nbytes);
    free(header);
    if (Xznzclose(&fp) != 0) ok = 0;
    return ok ? 0 : -3;
}

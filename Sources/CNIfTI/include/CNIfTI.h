// nifti2_io only: libnifti2 and libniftiio export the same function names with different struct
// layouts, so the nifti1 header must never be included next to this one (platform-notes §1.4).
#ifndef CNIFTI_H
#define CNIFTI_H
#ifndef HAVE_ZLIB
#define HAVE_ZLIB 1   /* libznz is built with zlib; keeps the znzFile struct consistent */
#endif
#include "/usr/include/nifti/nifti2_io.h"
#include <stddef.h>
#include <stdint.h>

/// 1 when libznz was built with zlib (needed for .nii.gz).
int cnifti_linked_with_zlib(void);
/// Writes the first line of nifti_disp_lib_version()'s output (which goes to stdout) into buf.
void cnifti_lib_version(char *buf, size_t size);
/// Voxel bytes of a single-file NIfTI, read without libnifti's NaN-to-zero rewriting (see cnifti.c);
/// -1: cannot open, -2: corrupt compressed stream, fewer than asked: truncated.
int64_t cnifti_read_raw(const char *path, int64_t offset, void *buf, int64_t nbytes, int swapsize, int swap);
/// pixdim[0..7] as stored in the header (libnifti's reader turns 0 into 1); returns the version, 0 on failure.
int cnifti_raw_pixdim(const char *path, double out[8]);
/// A single-file NIfTI with `template_path`'s header (datatype, scaling, description changed; see cnifti.c).
/// 0 on success; -1 template unreadable, -2 cannot create, -3 write failed, -4 template is ANALYZE 7.5.
int cnifti_write_like(const char *template_path, const char *path, const void *voxels, int64_t nbytes,
                      int datatype, int bitpix, const char *descrip);
#endif

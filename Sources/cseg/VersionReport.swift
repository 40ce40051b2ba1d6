import CHDF5
import CNIfTI
import CPNG
import Engine

/// What `cseg --version` prints: our version, the linked libraries, and the BLAS kernel and thread count
/// that decide which bits a run produces.
enum VersionReport {
    static let version = "0.1.0"

    static func text() -> String {
        var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
        H5get_libversion(&major, &minor, &release)
        var nifti = [CChar](repeating: 0, count: 256)
        cnifti_lib_version(&nifti, nifti.count)
        let niftiLine = String(cString: nifti)
        return """
        cseg \(version)
        OpenBLAS: \(BLAS.config)
        OpenBLAS core: \(BLAS.coreName); OpenBLAS threads: \(BLAS.threadCount) (the engine parallelises itself)
        engine worker threads: \(Parallel.workerCount) (set per command with --threads)
        HDF5: \(major).\(minor).\(release)
        libpng: \(String(cString: png_get_libpng_ver(nil)))
        libnifti2: \(niftiLine.isEmpty ? "unknown" : niftiLine); zlib: \(cnifti_linked_with_zlib() == 1 ? "yes" : "no")
        """
    }
}

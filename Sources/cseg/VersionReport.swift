import Determinism
import Engine
import HDF5
import Imaging
import Running

/// What `cseg --version` prints: our version, the linked libraries, and the BLAS kernel and thread count
/// that decide which bits a run produces.
enum VersionReport {
    static let version = RunProvenanceProbe.harnessVersion

    static func text() -> String {
        let nifti = NIfTI.libraryVersion
        return """
        cseg \(version)
        OpenBLAS: \(BLAS.config)
        OpenBLAS core: \(BLAS.coreName); OpenBLAS threads: \(BLAS.threadCount) (the engine parallelises itself)
        engine worker threads: \(Parallel.workerCount) (set per command with --threads)
        HDF5: \(HDF5File.libraryVersion)
        libpng: \(PNGFile.libraryVersion)
        libnifti2: \(nifti.isEmpty ? "unknown" : nifti); zlib: \(NIfTI.linkedWithZlib ? "yes" : "no")
        """
    }
}

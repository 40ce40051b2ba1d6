// swift-tools-version:6.0
import PackageDescription

// Dependency direction, as README's module graph draws it (A → B: A depends on B), one way like the data:
// Engine → Determinism; Networks → Engine; Training → Networks, Datasets; Datasets → Imaging and
// Determinism (the phantom's random streams, not the engine); Running → Planning, Training; cseg → all.
// Planning (experiment files, grids, run configs, Slurm scripts) rests on Datasets, RunStore and
// TrainingSettings, and Reports on Planning, so the Reports module links neither Training, the engine nor
// OpenBLAS. HDF5 is a thin Swift layer over libhdf5 used by weight files (Networks) and run files (RunStore).
let package = Package(
    name: "ContrastiveSeg",
    products: [
        .executable(name: "cseg", targets: ["cseg"]),
        .library(name: "Engine", targets: ["Engine"]),
        .library(name: "Networks", targets: ["Networks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    ],
    targets: [
        // C bindings. Three have pkg-config files on Debian; NIfTI has none and its header includes
        // <znzlib.h>, so it is a small regular C target with forwarding headers (platform-notes §1.4).
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-serial", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
        .target(name: "CNIfTI",
                linkerSettings: [.linkedLibrary("nifti2"), .linkedLibrary("znz"),
                                 .linkedLibrary("z"), .linkedLibrary("m")]),

        .target(name: "CAllocator"),
        // The one atomic, durable file write (temporary sibling, fsync, rename) every writer uses.
        .target(name: "AtomicWrite"),
        // The convolution micro-kernels: AVX-512 / AVX2 chosen at run time, so no -march flag is needed.
        .target(name: "CConvKernels", cSettings: [.unsafeFlags(["-O3"])]),

        // Seeded random streams, the shape-cut worker pool and the matrix-kernel choice: what keeps results
        // independent of the thread count and the machine. Below Engine and the phantom, and links nothing.
        .target(name: "Determinism"),
        .target(name: "Engine", dependencies: ["CBLAS", "CAllocator", "CConvKernels", "Determinism"]),
        .target(name: "HDF5", dependencies: ["CHDF5", "AtomicWrite"]),
        // Volumes, NIfTI I/O, preprocessing, PNG: everything between a file and a normalised slice.
        .target(name: "Imaging", dependencies: [
            "CNIfTI", "CPNG", "AtomicWrite", .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Numerics", package: "swift-numerics"),
        ]),
        // Dice, HD95 and ASSD on the native grid (method-spec §5.6, §11).
        .target(name: "Evaluation", dependencies: ["Imaging"]),
        // The values a run config records about how Training augments and corrupts images (augmentation
        // switches, the pretext corruptions' geometry), apart from the code that applies them, so that
        // planning an experiment does not link the engine.
        .target(name: "TrainingSettings"),
        // Sampling, augmentation, mixup, the contrastive batches and losses, the training methods.
        .target(name: "Training", dependencies: ["TrainingSettings", "Determinism", "Engine", "Networks", "Imaging", "Datasets", "Evaluation"]),
        // Dataset layouts, the phantom, split files and their audit.
        // Optimised in debug builds too: the tests check every volume of the experiments' 40-volume phantom
        // against ACDC's ranges, which an unoptimised generator makes ten times slower.
        .target(name: "Datasets", dependencies: [
            "Imaging", "Determinism", "AtomicWrite", .product(name: "TOMLKit", package: "TOMLKit"),
        ], exclude: ["Phantom/README.md"], swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "Networks", dependencies: ["Determinism", "Engine", "HDF5"]),
        // Experiment files, presets, grid expansion, the stage graph and the Slurm scripts
        // (docs/experiments.md): what a grid is and which runs are done, without the engine.
        .target(name: "Planning", dependencies: [
            "Datasets", "RunStore", "TrainingSettings", "Determinism", "AtomicWrite", .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        // Running a plan: the runner, local jobs, the estimate's probes, the audits, archiving and export.
        .target(name: "Running", dependencies: [
            "Planning", "Datasets", "Imaging", "RunStore", "HDF5", "Training", "Networks", "Determinism", "Engine", "Evaluation",
            "AtomicWrite",
        ]),
        // One HDF5 file per run: schema, writer, reader, content hash, verification (docs/run-file.md).
        .target(name: "RunStore", dependencies: ["HDF5", .product(name: "Crypto", package: "swift-crypto")]),
        // `cseg report` and its building blocks: statistics, Markdown/CSV, bitmap font, charts (issue 5).
        .target(name: "Reports", dependencies: [
            "Imaging", "Datasets", "Planning", "RunStore", "AtomicWrite", .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        .target(name: "Benchmarks", dependencies: ["Determinism", "Engine", "Networks", "Training"]),
        .executableTarget(name: "cseg", dependencies: [
            "Determinism", "Engine", "CConvKernels", "Networks", "Benchmarks", "HDF5", "Imaging", "Datasets", "Planning", "Running", "RunStore", "Reports", "AtomicWrite",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Shared by the test targets (gradient checks, running the built cseg); never linked into cseg.
        .target(name: "TestSupport", dependencies: ["Determinism", "Engine", "Datasets"], path: "Tests/TestSupport"),
        .testTarget(name: "DeterminismTests", dependencies: ["Determinism"]),
        .testTarget(name: "EngineTests", dependencies: ["Determinism", "Engine", "CConvKernels", "TestSupport"]),
        .testTarget(name: "HDF5Tests", dependencies: ["HDF5"]),
        .testTarget(name: "AtomicWriteTests", dependencies: ["AtomicWrite"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "TestSupport", .product(name: "Numerics", package: "swift-numerics")], resources: [.copy("Fixtures")]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Determinism", "Imaging", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "TrainingSettings", "Determinism", "Engine", "Networks", "Imaging", "TestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Imaging"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PlanningTests", dependencies: ["Planning", "Datasets", "RunStore", "TestSupport"]),
        .testTarget(name: "RunningTests", dependencies: ["Planning", "Running", "Datasets", "Imaging", "RunStore", "Training", "Engine", "TestSupport"]),
        .testTarget(name: "RunStoreTests", dependencies: ["RunStore", "HDF5"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Imaging", "Datasets", "Planning", "RunStore", "TestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "NetworksTests", dependencies: ["Networks", "Determinism", "Engine", "HDF5", "Benchmarks", "TestSupport"]),
        .testTarget(name: "AuditTests", dependencies: ["Planning", "Running", "Datasets", "RunStore", "HDF5", "Imaging", "Determinism", "Engine", "Networks", "CNIfTI", "TestSupport"]),
    ]
)

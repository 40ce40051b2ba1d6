import Determinism
import Engine
import Foundation
import Networks
import Testing
import TestSupport

@Suite("Training behaviour")
struct TrainingBehaviourTests {
    @Test("a tiny U-Net overfits a tiny batch: Dice loss below 0.2 within 150 Adam steps")
    func overfit() {
        let cfg = UNetConfig(inputSize: 32, numClasses: 2, filters: [4, 8, 8, 8, 8, 8])
        let net = UNet(config: cfg, seed: 11)
        let (x, y) = SyntheticDiscs.batch(count: 2, size: 32, seed: 11)
        let opt = Adam(groups: [ParameterGroup(name: "unet", parameters: net.parameters)], learningRate: 1e-2)
        var first: Float = 0, last: Float = 1
        for step in 0..<150 {
            let loss = softDiceLoss(probabilities: softmax(net(x, mode: .training)), labels: y)
            if step == 0 { first = loss.item }
            last = loss.item
            loss.backward()
            opt.update()
            if last < 0.2 { break }
        }
        #expect(first > 0.3)
        #expect(last < 0.2, "Dice loss went from \(first) to \(last)")
    }

    @Test("same seed, 1 and 2 worker threads: bit-identical weights after training steps")
    func threadsDoNotChangeBits() {
        func digest(threads: Int) -> UInt64 {
            Parallel.setWorkerCount(threads)
            defer { Parallel.setWorkerCount(1) }
            // 160² puts the first levels above the band size, so chunked convolutions and partial
            // weight-gradient sums are exercised.
            return EngineFingerprint.weightsDigest(steps: 2, seed: 3, size: 160, width: 0.25, batch: 2)
        }
        let one = digest(threads: 1)
        #expect(digest(threads: 2) == one)
        #expect(digest(threads: 1) == one)
        #expect(EngineFingerprint.weightsDigest(steps: 2, seed: 4, size: 160, width: 0.25, batch: 2) != one)
    }

    @Test("across processes: `cseg fingerprint` gives the same hash at 1 and 2 threads, twice")
    func acrossProcesses() throws {
        let cseg = try CSegExecutable.url()
        func run(_ threads: Int) throws -> String {
            let p = Process()
            p.executableURL = cseg
            p.arguments = ["fingerprint", "--threads", "\(threads)", "--steps", "2", "--size", "64"]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
            // "fingerprint <hash> core=… threads=…": only the hash must agree.
            let words = out.split(separator: " ")
            return words.count > 1 ? String(words[1]) : out
        }
        let a = try run(1), b = try run(2), c = try run(1)
        #expect(!a.isEmpty)
        #expect(a == b)
        #expect(a == c)
    }

    /// `cseg fingerprint` in a child process with the given environment changes; returns the hash.
    static func fingerprint(_ arguments: [String], environment changes: [String: String?]) throws -> String {
        let words = try fingerprintLine(arguments, environment: changes).split(separator: " ")
        return words.count > 1 ? String(words[1]) : ""
    }

    /// The whole line: "fingerprint <hash> kernels=… isa=… core=…".
    static func fingerprintLine(_ arguments: [String], environment changes: [String: String?]) throws -> String {
        let p = Process()
        p.executableURL = try CSegExecutable.url()
        p.arguments = ["fingerprint", "--steps", "2", "--size", "64"] + arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in changes { env[k] = v }
        p.environment = env
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "cseg fingerprint \(arguments) \(changes) exited \(p.terminationStatus)")
        return out
    }

    @Test("engine kernels: the same hash with OpenBLAS's Haswell, Sandy Bridge, SkylakeX (where the CPU has AVX-512) and autodetected cores and on the AVX2 and portable paths")
    func sameBitsOnEveryKernel() throws {
        // OpenBLAS's SkylakeX kernels stop with SIGILL on a CPU without AVX-512 (an AMD EPYC with AVX2
        // only, seen here): the engine's own detection says which machine this is.
        let detected = try Self.fingerprintLine([], environment: ["OPENBLAS_CORETYPE": nil])
        let avx512 = detected.contains(" isa=avx512 ")
        let haswell = try Self.fingerprint([], environment: ["OPENBLAS_CORETYPE": "Haswell"])
        #expect(!haswell.isEmpty)
        #expect(detected.split(separator: " ").dropFirst().first.map(String.init) == haswell, "\(detected)")
        #expect(try Self.fingerprint([], environment: ["OPENBLAS_CORETYPE": "Sandybridge"]) == haswell)
        if avx512 { #expect(try Self.fingerprint([], environment: ["OPENBLAS_CORETYPE": "SkylakeX"]) == haswell) }
        #expect(try Self.fingerprint(["--isa", "avx2"], environment: ["OPENBLAS_CORETYPE": "Haswell"]) == haswell)
        #expect(try Self.fingerprint(["--isa", "portable"], environment: ["OPENBLAS_CORETYPE": nil]) == haswell)
        // The check can fail: with OpenBLAS computing the products, its cores give other bits.
        let blasHaswell = try Self.fingerprint(["--kernels", "openblas"], environment: ["OPENBLAS_CORETYPE": "Haswell"])
        let blasOther = try Self.fingerprint(["--kernels", "openblas"], environment: ["OPENBLAS_CORETYPE": avx512 ? "SkylakeX" : "Sandybridge"])
        #expect(blasHaswell != blasOther)
        #expect(blasHaswell != haswell)
    }
}

import Foundation
import RunStore
import Testing
import TestSupport
@testable import Planning
@testable import Running

@Suite("cseg run --jobs", .serialized)
struct ParallelJobsTests {
    @Test("two runs at once in child processes give the same run files as one after another, and a rerun skips all")
    func jobsMatchSequential() throws {
        let methods = ["baseline", "mixup", "global", "global+local"]
        let sequential = try TinyExperiment.experiment("jobs-seq", methods: methods)
        let parallel = try TinyExperiment.experiment("jobs-par", methods: methods)
        // Both through the binary, so that provenance (engine threads included: 2 threads over 2 jobs is 1
        // per child) is the same and the content hashes can be compared whole.
        let (seqStatus, _) = try CSegExecutable.run(["run", sequential.path, "--threads", "1"])
        #expect(seqStatus == 0)
        let (status, out) = try CSegExecutable.run(["run", parallel.path, "--jobs", "2", "--threads", "2"])
        #expect(status == 0, "\(out)")
        let a = try TinyExperiment.plan(sequential), b = try TinyExperiment.plan(parallel)
        #expect(a.map(\.runKey) == b.map(\.runKey) && a.count == 6)
        for (ra, rb) in zip(a, b) {
            #expect(try RunFileReader.header(ra.output).contentSHA256 == RunFileReader.header(rb.output).contentSHA256,
                    "\(ra.runKey) differs between sequential and --jobs 2")
        }
        #expect(out.contains("6 computed, 0 skipped"))
        let (again, rerun) = try CSegExecutable.run(["run", parallel.path, "--jobs", "2"])
        #expect(again == 0 && rerun.contains("0 computed, 6 skipped"), "\(rerun)")
    }
}

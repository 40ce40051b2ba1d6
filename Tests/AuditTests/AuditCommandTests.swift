import Foundation
import Testing
@testable import Planning
@testable import Running

/// `cseg audit seeds` and `cseg audit run` as a user runs them, on runs made by `cseg run`.
@Suite("Audit: commands (cseg audit)", .serialized)
struct AuditCommandTests {
    @Test("cseg audit seeds and cseg audit run on a grid made by cseg run: identical, ok; then a changed label fails audit run with exit 1")
    func commands() throws {
        let c = try AuditFixture.makeCase("cli-audit")
        try FileManager.default.removeItem(atPath: c.output)
        let made = try CSegProcess.run(["run", c.experimentPath], in: c.path)
        #expect(made.status == 0, "\(made.stderr)")

        let seeds = try CSegProcess.run(["audit", "seeds", c.experimentPath, "--sample", "1"], in: c.path)
        #expect(seeds.status == 0, "\(seeds.stdout)\(seeds.stderr)")
        let sampled = SeedAudit.sample(try c.plan(), k: 1, experimentName: "tiny")[0]
        #expect(seeds.stdout.contains("[\(sampled.index)] \(sampled.runKey)  identical: content hash "), "\(seeds.stdout)")
        #expect(seeds.stdout.contains("1 re-executed, 1 identical, 0 differ, 0 not run yet"))

        let steps = try CSegProcess.run(["audit", "seeds", c.experimentPath, "--steps", "2"], in: c.path)
        #expect(steps.status == 0 && steps.stdout.contains("[1] baseline_tr1_c1_s7  identical: steps 0…1 reproduced bit for bit"), "\(steps.stdout)")

        let file = "\(c.output)/runs/baseline_tr1_c1_s7.h5"
        let ok = try CSegProcess.run(["audit", "run", file, "--experiment", c.experimentPath], in: c.path)
        #expect(ok.status == 0, "\(ok.stdout)")
        #expect(ok.stdout.hasPrefix("\(file)\n  ok      schema version 1, content hash "), "\(ok.stdout)")
        #expect(ok.stdout.contains("  ok      split \(c.splitPath): sha256 matches"))

        let label = try c.label("005")
        try c.rewrite(label, as: .uint8) { v in v.voxels[0] = 2 }
        let bad = try CSegProcess.run(["audit", "run", file, "--experiment", c.experimentPath], in: c.path)
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("  error   \(label): sha256 "), "\(bad.stdout)")
        #expect(bad.stderr.contains("1 of 1 run file failed the audit"))
        // The seeds audit does not re-execute on changed inputs: it says which changed.
        let after = try CSegProcess.run(["audit", "seeds", c.experimentPath], in: c.path)
        #expect(after.status == 1)
        #expect(after.stdout.contains("[1] baseline_tr1_c1_s7  DIFFERS: the inputs changed since the run (volumes 005 (label) have other files); not re-executed"),
                "\(after.stdout)")
    }
}

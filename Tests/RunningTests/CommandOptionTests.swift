import Foundation
import TestSupport
import Testing

/// Typed options (issue 17): a bad value fails while the command line is parsed, before any file is
/// read, with the valid values listed; the same option type serves every command that takes it.
@Suite("Command-line options")
struct CommandOptionTests {
    @Test("--layout and --kernels reject unknown values at parsing (exit 64) and list the valid ones")
    func typedOptions() throws {
        let cases: [([String], String)] = [
            (["data", "check", "/nonexistent", "--layout", "acdcx"], "'acdc', 'prostate' or 'mmwhs'"),
            (["preprocess", "/nonexistent", "--layout", "ACDC", "--out", "/nonexistent/out"], "'acdc', 'prostate' or 'mmwhs'"),
            (["run", "/nonexistent.toml", "--kernels", "mkl"], "'engine' and 'openblas'"),
            (["plan", "/nonexistent.toml", "--kernels", "mkl"], "'engine' and 'openblas'"),
            (["submit", "/nonexistent.toml", "--kernels", "mkl"], "'engine' and 'openblas'"),
            (["bench", "--kernels", "mkl"], "'engine' and 'openblas'"),
        ]
        for (arguments, valid) in cases {
            let r = try CSegExecutable.runCapturingErrors(arguments)
            #expect(r.status == 64, "\(arguments): exit \(r.status)")
            #expect(r.stderr.contains("is invalid for '--") && r.stderr.contains(valid), "\(arguments): \(r.stderr)")
            #expect(!r.stderr.contains("nonexistent"), "\(arguments): a file was looked at before parsing failed: \(r.stderr)")
        }
    }
}

import Foundation
import Testing
@testable import Reports

@Suite("Markdown and CSV text")
struct MarkdownTests {
    @Test("fixed decimals, negative zero, NaN and infinities")
    func numbers() {
        #expect(NumberText.fixed(0.8125, decimals: 3) == "0.812")  // 0.8125 is exact: half to even
        #expect(NumberText.fixed(0.8126, decimals: 3) == "0.813")
        #expect(NumberText.fixed(12, decimals: 2) == "12.00")
        #expect(NumberText.fixed(-0.0004, decimals: 3) == "0.000")
        #expect(NumberText.fixed(-0.0006, decimals: 3) == "-0.001")
        #expect(NumberText.fixed(.nan, decimals: 3) == "—")
        #expect(NumberText.fixed(-.infinity, decimals: 1) == "−∞")
        #expect(NumberText.signed(0.0123) == "+0.012" && NumberText.signed(-0.0391) == "−0.039")
        #expect(NumberText.signed(-0.0004) == "0.000" && NumberText.signed(0.0004) == "0.000", "no sign on what rounds to zero")
        #expect(NumberText.signed(0.25, decimals: 1) == "+0.2" && NumberText.signed(.nan) == "—")
        #expect(NumberText.fixed(2.5, decimals: 0) == "2")
        #expect(NumberText.meanStd(SampleSummary([0.8, 0.9]), decimals: 3) == "0.850 ± 0.071 (2)")
        #expect(NumberText.meanStd(SampleSummary([0.8]), decimals: 2) == "0.80 ± — (1)")
        #expect(NumberText.meanStd(SampleSummary([]), decimals: 2) == "—")
        #expect(NumberText.pValue(0.04321) == "0.043")
        #expect(NumberText.pValue(0.00002) == "< 0.001")
        #expect(NumberText.roundTrip(0.1) == "0.1" && NumberText.roundTrip(.nan) == "NaN")
    }

    @Test("a table with every alignment, escaped pipes and padded columns (golden)")
    func table() {
        var t = MarkdownTable(columns: [.init("Method"), .init("Dice", .right), .init("n", .center)])
        t.addRow(["Baseline", NumberText.meanStd(SampleSummary([0.7, 0.8, 0.9]), decimals: 3), "3"])
        t.addRow(["G|L", NumberText.fixed(.nan, decimals: 3), "12"])
        let golden = """
        | Method   |              Dice |  n  |
        |:---------|------------------:|:---:|
        | Baseline | 0.800 ± 0.100 (3) |  3  |
        | G\\|L     |                 — | 12  |

        """
        #expect(t.render() == golden, "\(t.render())")
    }

    @Test("a document with headings, paragraph, list, code with backticks, image and table (golden)")
    func document() {
        var d = MarkdownDocument()
        d.heading("Report\nphantom", level: 1)
        d.paragraph("Scores are *mean ± std* over test volumes.\n\n")
        d.heading("Command", level: 2)
        d.codeBlock("cseg report x\necho ```", language: "sh")
        d.bulletList(["one", "two"])
        d.image("figures/dice vs n.png", alt: "Dice [LV]")
        var t = MarkdownTable(columns: [.init("a"), .init("b", .right)])
        t.addRow(["x", "1.0"])
        d.table(t)
        let golden = """
        # Report phantom

        Scores are *mean ± std* over test volumes.

        ## Command

        ````sh
        cseg report x
        echo ```
        ````

        - one
        - two

        ![Dice [LV\\]](figures/dice%20vs%20n.png)

        | a   |   b |
        |:----|----:|
        | x   | 1.0 |

        """
        #expect(d.render() == golden, "\(d.render())")
        #expect(d.render() == d.render())
    }

    @Test("CSV quoting follows RFC 4180 and records end in CRLF (golden)")
    func csv() throws {
        var t = CSVTable(header: ["volume", "method", "dice"])
        t.addRow(["patient001_ED", "baseline", NumberText.roundTrip(0.8125)])
        t.addRow(["a,b", "say \"hi\"", NumberText.roundTrip(.nan)])
        t.addRow(["line\nbreak", "", "1e-05"])
        let golden = "volume,method,dice\r\npatient001_ED,baseline,0.8125\r\n\"a,b\",\"say \"\"hi\"\"\",NaN\r\n\"line\nbreak\",,1e-05\r\n"
        #expect(t.render() == golden)

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reports-csv-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("per-volume.csv").path
        try t.write(to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == golden)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["per-volume.csv"])
        #expect(throws: ReportFileError.self) { try t.write(to: dir.appendingPathComponent("no/such/dir.csv").path) }
    }
}

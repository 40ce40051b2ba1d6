import Foundation
import Imaging
import Testing

@Suite("PNG and drawing")
struct PNGTests {
    static func tmp(_ name: String) -> String { NSTemporaryDirectory() + "cseg-png-\(getpid())-\(name)" }

    @Test func grayAndRGBRoundTripThroughLibpng() throws {
        let gray: [UInt8] = (0..<(7 * 5)).map { UInt8($0 * 7 % 256) }
        let path = Self.tmp("gray.png")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try PNGFile.write(gray, width: 7, height: 5, channels: .gray, to: path)
        let back = try PNGFile.read(path, as: .gray)
        #expect(back.width == 7 && back.height == 5 && back.pixels == gray)

        var canvas = RGBCanvas(width: 3, height: 2, fill: RGB(1, 2, 3))
        canvas[2, 1] = RGB(200, 100, 50)
        let rgbPath = Self.tmp("rgb.png")
        defer { try? FileManager.default.removeItem(atPath: rgbPath) }
        try canvas.writePNG(to: rgbPath)
        let rgb = try PNGFile.read(rgbPath, as: .rgb)
        #expect(rgb.width == 3 && rgb.height == 2 && rgb.pixels == canvas.pixels)
        #expect(Array(rgb.pixels[15..<18]) == [200, 100, 50])
    }

    @Test func errorsNameTheFile() {
        let bad = "/nonexistent-dir/x.png"
        do { try PNGFile.write([0], width: 1, height: 1, channels: .gray, to: bad); Issue.record("no error") } catch {
            #expect("\(error)".hasPrefix(bad + ":"))
        }
        do { try PNGFile.write([0, 0], width: 1, height: 1, channels: .gray, to: "/tmp/y.png"); Issue.record("no error") } catch {
            #expect("\(error)".contains("2 bytes"))
        }
        let notPNG = Self.tmp("not.png")
        FileManager.default.createFile(atPath: notPNG, contents: Data("hello".utf8))
        defer { try? FileManager.default.removeItem(atPath: notPNG) }
        #expect(throws: PNGError.self) { try PNGFile.read(notPNG, as: .gray) }
    }

    @Test func windowMapsLinearlyAndClips() {
        let w = IntensityWindow(low: 100, high: 355)
        #expect(w.byte(100) == 0 && w.byte(355) == 255 && w.byte(227.5) == 128 && w.byte(-5) == 0 && w.byte(1e6) == 255)
        let p = IntensityWindow.percentiles(of: (0...100).map(Float.init), low: 1, high: 99)
        #expect(p.low == 1 && p.high == 99)
    }

    @Test func contoursMarkTheInnerBoundaryOfEachLabel() {
        // 5×5: a 3×3 block of label 2 in the middle; only its centre is interior.
        var labels = [Int](repeating: 0, count: 25)
        for y in 1...3 { for x in 1...3 { labels[y * 5 + x] = 2 } }
        var canvas = RGBCanvas(width: 5, height: 5)
        LabelContours.draw(labels, on: &canvas, colours: .acdc)
        let green = LabelColours.acdc[2]!
        for y in 0..<5 {
            for x in 0..<5 {
                let expected = labels[y * 5 + x] == 2 && !(x == 2 && y == 2)
                #expect((canvas[x, y] == green) == expected, "(\(x), \(y))")
            }
        }
        let up = LabelContours.upscale([1, 2, 3, 0], width: 2, height: 2, by: 2)
        #expect(up == [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 0, 0, 3, 3, 0, 0])
    }

    @Test func upscaleAndRowLayout() {
        var a = RGBCanvas(width: 2, height: 1)
        a[1, 0] = RGB(9, 9, 9)
        let u = a.upscaled(by: 2)
        #expect(u.width == 4 && u.height == 2 && u[3, 1] == RGB(9, 9, 9) && u[1, 1] == RGB(0, 0, 0))
        let row = RGBCanvas.row([a, u], gap: 1, background: RGB(5, 5, 5))
        #expect(row.width == 7 && row.height == 2 && row[2, 0] == RGB(5, 5, 5) && row[1, 1] == RGB(5, 5, 5) && row[6, 1] == RGB(9, 9, 9))
    }
}

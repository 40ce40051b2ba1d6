import AtomicWrite
import CPNG
import Foundation

/// A problem writing or reading a PNG file: names the file and the problem.
public struct PNGError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let problem: String
    public init(_ path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }
    public var description: String { "\(path): \(problem)" }
}

/// 8-bit PNG files through libpng's simplified API (`png_image_*`), which reports errors in a message
/// buffer instead of longjmp.
public enum PNGFile {
    /// libpng's version string, recorded in run files and `cseg --version`.
    public static var libraryVersion: String { String(cString: png_get_libpng_ver(nil)) }

    public enum Channels: Int, Sendable {
        case gray = 1, rgb = 3
        var format: UInt32 { self == .gray ? UInt32(PNG_FORMAT_GRAY) : UInt32(PNG_FORMAT_RGB) }
    }

    /// Writes `pixels` (row-major `[height, width, channels]`, 8 bits each). The file appears only when
    /// complete: it is written under a temporary name in the same directory, then renamed.
    public static func write(_ pixels: [UInt8], width: Int, height: Int, channels: Channels, to path: String) throws {
        guard width > 0, height > 0 else { throw PNGError(path, "image is \(width)×\(height); both must be positive") }
        guard pixels.count == width * height * channels.rawValue else {
            throw PNGError(path, "\(pixels.count) bytes for a \(width)×\(height) image with \(channels.rawValue) channel(s)")
        }
        do {
            try AtomicFile.write(to: path) { tmp in
                var image = png_image()
                image.version = UInt32(PNG_IMAGE_VERSION)
                image.width = UInt32(width)
                image.height = UInt32(height)
                image.format = channels.format
                let ok = pixels.withUnsafeBytes { buffer in
                    png_image_write_to_file(&image, tmp, 0, buffer.baseAddress, Int32(width * channels.rawValue), nil)
                }
                let message = messageText(&image)
                png_image_free(&image)
                guard ok != 0 else { throw PNGError(path, "libpng could not write the file: \(message)") }
            }
        } catch let e as AtomicFileError {
            throw PNGError(path, e.detail)
        }
    }

    /// Reads a PNG as 8-bit gray or RGB (libpng converts whatever is stored).
    public static func read(_ path: String, as channels: Channels) throws -> (pixels: [UInt8], width: Int, height: Int) {
        guard FileManager.default.fileExists(atPath: path) else { throw PNGError(path, "no such file") }
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        guard png_image_begin_read_from_file(&image, path) != 0 else {
            let message = messageText(&image)
            png_image_free(&image)
            throw PNGError(path, "not a readable PNG: \(message)")
        }
        image.format = channels.format
        let (width, height) = (Int(image.width), Int(image.height))
        var pixels = [UInt8](repeating: 0, count: width * height * channels.rawValue)
        let ok = pixels.withUnsafeMutableBytes { buffer in
            png_image_finish_read(&image, nil, buffer.baseAddress, Int32(width * channels.rawValue), nil)
        }
        let message = messageText(&image)
        png_image_free(&image)
        guard ok != 0 else { throw PNGError(path, "PNG data is damaged: \(message)") }
        return (pixels, width, height)
    }

    private static func messageText(_ image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }
}

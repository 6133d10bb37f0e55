import CFFmpeg
import COpus

/// A codec library failure: the library, its numeric code, and the call that failed. The
/// message is made only when `description` is asked for, never on the media path.
public struct CodecError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Library: String, Sendable {
        case ffmpeg, opus
        /// Parameters we refused before calling a library (odd width, unsupported rate, ...).
        case configuration
    }

    public let library: Library
    public let code: Int32
    public let operation: StaticString

    public init(_ library: Library, code: Int32, operation: StaticString) {
        self.library = library
        self.code = code
        self.operation = operation
    }

    static func ffmpeg(_ code: Int32, _ operation: StaticString) -> CodecError {
        CodecError(.ffmpeg, code: code, operation: operation)
    }

    static func configuration(_ operation: StaticString) -> CodecError {
        CodecError(.configuration, code: -1, operation: operation)
    }

    public static func == (a: CodecError, b: CodecError) -> Bool {
        a.library == b.library && a.code == b.code && a.operation.description == b.operation.description
    }

    public var description: String {
        switch library {
        case .ffmpeg:
            var buffer = [UInt8](repeating: 0, count: 128)
            buffer.withUnsafeMutableBufferPointer { b in
                b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { cb_av_strerror(code, $0, b.count) }
            }
            let text = String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
            return "\(operation): \(text) (FFmpeg \(code))"
        case .opus:
            return "\(operation): \(String(cString: opus_strerror(code))) (Opus \(code))"
        case .configuration:
            return "invalid configuration: \(operation)"
        }
    }
}

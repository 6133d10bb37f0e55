import CFFmpeg

/// One-time FFmpeg set-up. Library logging goes to stderr from any thread; we keep it to
/// errors so a corrupt stream cannot flood the log from the media path.
enum FFmpegLibrary {
    static let initialized: Bool = {
        cb_av_log_errors_only()
        return true
    }()

    @inline(__always)
    static func ensureInitialized() { _ = initialized }

    /// Silences FFmpeg completely (tests feeding garbage on purpose).
    static func silence() { cb_av_log_quiet() }
}

/// Public switch for callers that feed corrupt input on purpose (tests, fuzzers).
public enum CodecLogging {
    public static func silenceLibraryLogs() { FFmpegLibrary.silence() }
}

import CSystemShims
import Glibc

/// The process's own memory use, read from /proc (Linux).
public enum ProcessMemory {
    /// Resident set size in bytes, or nil when /proc is unavailable.
    public static func residentBytes() -> Int? {
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count - 1) }
        guard n > 0 else { return nil }
        // statm: "size resident shared text lib data dt", in pages.
        let fields = buffer[0..<n].split(separator: UInt8(ascii: " "))
        guard fields.count >= 2, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

/// Process-wide output settings for the command-line tools.
public enum StandardOutput {
    /// Line-buffer stdout so progress lines reach a log file or pipe as they are printed.
    public static func lineBuffered() { cb_sys_line_buffer_stdout() }
}

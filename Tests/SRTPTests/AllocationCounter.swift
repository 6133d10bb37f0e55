import Glibc
import MediaCore

/// Counts every heap allocation a piece of code makes, exactly, without LD_PRELOAD and without
/// touching this process: the code runs in a fork()ed child, and only there are the pointers
/// to glibc's allocation functions in the other loaded objects (their GOT slots: libcrypto,
/// the Swift runtime, libsrtp2, NSS, this test binary ...) swapped for counting wrappers that
/// forward to glibc. That also catches malloc/free pairs, which leave heap totals unchanged.
///
/// The slots are found here in the parent (dl_iterate_phdr, then a scan of each object's
/// writable and RELRO segments for words equal to glibc's function addresses); the child only
/// mprotects and writes, so it takes no loader lock another thread might have held at fork.
/// The measured code must have been run once before (lazy metadata, first-use setup).
struct AllocationCounter {
    struct Result {
        var allocations = 0
        var controlAllocations = 0
        var secondControlAllocations = 0
        var failures = 0
        var seconds = 0.0
    }

    private var slots: [(slot: UnsafeMutablePointer<UInt>, original: UInt, replacement: UInt)] = []

    init() throws {
        let originals = Wrapped.originals
        let low = originals.map(\.original).min()!, high = originals.map(\.original).max()!
        Wrapped.segments = []
        // dl_iterate_phdr is not visible through Swift's Glibc module; same function via dlsym.
        // The dl_phdr_info and Elf64_Phdr fields are read at their x86-64/aarch64 LP64 offsets.
        typealias Callback = @convention(c) (UnsafeRawPointer?, Int, UnsafeMutableRawPointer?) -> Int32
        typealias Iterate = @convention(c) (Callback, UnsafeMutableRawPointer?) -> Int32
        let iterate = unsafeBitCast(Wrapped.address("dl_iterate_phdr"), to: Iterate.self)
        _ = iterate({ info, _, _ in
            guard let info else { return 0 }
            let address = UInt(info.load(as: UInt64.self))
            let name = info.load(fromByteOffset: 8, as: UnsafePointer<CChar>?.self).map { String(cString: $0) } ?? ""
            let headers = info.load(fromByteOffset: 16, as: UnsafeRawPointer.self)
            let count = Int(info.load(fromByteOffset: 24, as: UInt16.self))
            // libc's own internal calls never go through these words; the loader is left alone.
            if name.contains("/libc.so") || name.contains("/ld-linux") { return 0 }
            for i in 0..<count {
                let header = headers + 56 * i
                let type = header.load(as: UInt32.self), flags = header.load(fromByteOffset: 4, as: UInt32.self)
                if type == 1 /* PT_LOAD */, flags & 2 /* PF_W */ != 0 {
                    Wrapped.segments.append((address + UInt(header.load(fromByteOffset: 16, as: UInt64.self)),
                                             UInt(header.load(fromByteOffset: 40, as: UInt64.self))))
                }
            }
            return 0
        }, nil)
        for (start, length) in Wrapped.segments {
            let first = (start + 7) & ~7, words = Int((start + length - first) / 8)
            guard let base = UnsafeMutablePointer<UInt>(bitPattern: first) else { continue }
            for i in 0..<words {
                let word = base[i]
                guard word >= low, word <= high else { continue }
                if let match = originals.first(where: { $0.original == word }) {
                    slots.append((base + i, word, match.replacement))
                }
            }
        }
        guard !slots.isEmpty else { throw SystemError(errno: ENOENT, operation: "no allocator slots found") }
        _ = Wrapped.count.pointee
    }

    /// Runs `body`, then the two controls (code known to allocate, proving the counter sees it),
    /// in a child process with counting on. `body` returns its failure count.
    func measureInChild(_ body: () -> Int, control: () -> Void, secondControl: () -> Void) throws -> Result {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw SystemError(errno: errno, operation: "pipe") }
        let pid = fork()
        guard pid >= 0 else { throw SystemError(errno: errno, operation: "fork") }
        if pid == 0 {
            close(fds[0])
            let pageMask = UInt(sysconf(Int32(_SC_PAGESIZE))) - 1
            for (slot, original, replacement) in slots where slot.pointee == original {
                let page = UnsafeMutableRawPointer(bitPattern: UInt(bitPattern: slot) & ~pageMask)
                if mprotect(page, Int(pageMask + 1), PROT_READ | PROT_WRITE) == 0 { slot.pointee = replacement }
            }
            var result = Result()
            let start = Self.now()
            Wrapped.count.pointee = 0
            result.failures = body()
            result.allocations = Wrapped.count.pointee
            result.seconds = Self.now() - start
            Wrapped.count.pointee = 0
            control()
            result.controlAllocations = Wrapped.count.pointee
            Wrapped.count.pointee = 0
            secondControl()
            result.secondControlAllocations = Wrapped.count.pointee
            let written = withUnsafeBytes(of: &result) { write(fds[1], $0.baseAddress, $0.count) }
            _exit(written == MemoryLayout<Result>.size ? 0 : 1)
        }
        close(fds[1])
        defer { close(fds[0]) }
        var result = Result()
        let received = withUnsafeMutableBytes(of: &result) { buffer in
            var total = 0
            while total < buffer.count {
                let n = read(fds[0], buffer.baseAddress! + total, buffer.count - total)
                if n <= 0 { break }
                total += n
            }
            return total
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard received == MemoryLayout<Result>.size, status == 0 else {
            throw SystemError(errno: EIO, operation: "allocation-counting child (status \(status))")
        }
        return result
    }

    private static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// The counting wrappers. Everything they touch is a `let` made before the fork (the wrappers
/// themselves must not allocate).
private enum Wrapped {
    typealias Malloc = @convention(c) (Int) -> UnsafeMutableRawPointer?
    typealias TwoSizes = @convention(c) (Int, Int) -> UnsafeMutableRawPointer?
    typealias Realloc = @convention(c) (UnsafeMutableRawPointer?, Int) -> UnsafeMutableRawPointer?
    typealias PosixMemalign = @convention(c) (UnsafeMutablePointer<UnsafeMutableRawPointer?>?, Int, Int) -> Int32

    nonisolated(unsafe) static let count: UnsafeMutablePointer<Int> = {
        let pointer = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return pointer
    }()
    nonisolated(unsafe) static var segments: [(UInt, UInt)] = []

    static func address(_ name: String) -> UnsafeMutableRawPointer { dlsym(nil, name)! }   // nil: RTLD_DEFAULT

    /// glibc's malloc, calloc, realloc, memalign, aligned_alloc, posix_memalign. On the heap, not
    /// in a static: a static holding them would sit in this binary's .bss, be found by the scan,
    /// be patched, and the wrappers would call themselves.
    nonisolated(unsafe) static let real: UnsafeMutablePointer<UInt> = {
        let names = ["malloc", "calloc", "realloc", "memalign", "aligned_alloc", "posix_memalign"]
        let table = UnsafeMutablePointer<UInt>.allocate(capacity: names.count)
        for (i, name) in names.enumerated() { table[i] = UInt(bitPattern: address(name)) }
        return table
    }()

    static let countingMalloc: Malloc = { count.pointee += 1; return unsafeBitCast(real[0], to: Malloc.self)($0) }
    static let countingCalloc: TwoSizes = { count.pointee += 1; return unsafeBitCast(real[1], to: TwoSizes.self)($0, $1) }
    static let countingRealloc: Realloc = { count.pointee += 1; return unsafeBitCast(real[2], to: Realloc.self)($0, $1) }
    static let countingMemalign: TwoSizes = { count.pointee += 1; return unsafeBitCast(real[3], to: TwoSizes.self)($0, $1) }
    static let countingAlignedAlloc: TwoSizes = { count.pointee += 1; return unsafeBitCast(real[4], to: TwoSizes.self)($0, $1) }
    static let countingPosixMemalign: PosixMemalign = {
        count.pointee += 1
        return unsafeBitCast(real[5], to: PosixMemalign.self)($0, $1, $2)
    }

    /// (glibc's function, its counting wrapper) as addresses; touching it initialises every `let` above.
    static let originals: [(original: UInt, replacement: UInt)] = [
        (real[0], unsafeBitCast(countingMalloc, to: UInt.self)),
        (real[1], unsafeBitCast(countingCalloc, to: UInt.self)),
        (real[2], unsafeBitCast(countingRealloc, to: UInt.self)),
        (real[3], unsafeBitCast(countingMemalign, to: UInt.self)),
        (real[4], unsafeBitCast(countingAlignedAlloc, to: UInt.self)),
        (real[5], unsafeBitCast(countingPosixMemalign, to: UInt.self)),
    ]
}

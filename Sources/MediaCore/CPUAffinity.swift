import CSystemShims

/// CPU placement for media workers: one worker thread per allowed CPU, each pinned to it,
/// so a worker's caches, codecs and sockets stay on one core.
public enum CPUAffinity {
    /// CPUs this process may run on (honours `taskset`, cgroups cpusets).
    public static func allowedCPUs() -> [Int] {
        var ids = [Int32](repeating: 0, count: 1024)
        let n = ids.withUnsafeMutableBufferPointer { cb_sys_allowed_cpus($0.baseAddress, Int32($0.count)) }
        return n > 0 ? ids[0..<Int(n)].map(Int.init) : []
    }

    /// Pins the calling thread to `cpu`.
    public static func pinCurrentThread(to cpu: Int) throws(SystemError) {
        _ = try SystemError.check(cb_sys_pin_current_thread(Int32(cpu)), "pthread_setaffinity_np(cpu \(cpu))")
    }

    /// CPUs the calling thread may run on now.
    public static func currentThreadCPUs() -> [Int] {
        var ids = [Int32](repeating: 0, count: 1024)
        let n = ids.withUnsafeMutableBufferPointer { cb_sys_current_thread_cpus($0.baseAddress, Int32($0.count)) }
        return n > 0 ? ids[0..<Int(n)].map(Int.init) : []
    }

    public static func setCurrentThreadName(_ name: String) {
        _ = cb_sys_set_thread_name(name)
    }
}

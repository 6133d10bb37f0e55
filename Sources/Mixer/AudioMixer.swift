/// Mix-minus for one space, every 20 ms: each participant hears the sum of the loudest
/// `maximumSpeakers` others, gain-limited so the sum never clips. Computed once per tick:
/// the sum of the selected speakers, then each listener gets `sum − own` (their own voice
/// only if they were selected). Listeners who are not speakers all hear the same mix.
public final class AudioMixer {
    public let samplesPerFrame: Int
    public let maximumSpeakers: Int
    private var sum: [Int32]
    private var selected: [Int] = []
    /// Each listener's limiter gain at the end of its last frame.
    private var gains: [Double] = []
    /// Peak a listener's mix may reach before the limiter turns it down: -1 dBFS.
    static let ceiling = 29_204.0

    public init(samplesPerFrame: Int = 960, maximumSpeakers: Int = 4) {
        self.samplesPerFrame = samplesPerFrame
        self.maximumSpeakers = maximumSpeakers
        sum = [Int32](repeating: 0, count: samplesPerFrame)
        selected.reserveCapacity(64)
    }

    /// Mean square energy of a frame (for speaker selection and the active-speaker detector).
    public static func energy(_ pcm: UnsafeBufferPointer<Int16>) -> Int64 {
        var total: Int64 = 0
        for s in pcm { total &+= Int64(s) * Int64(s) }
        return pcm.isEmpty ? 0 : total / Int64(pcm.count)
    }

    /// Selects the loudest inputs (`energies[i]`, muted = -1) and sums them.
    /// `input(i)` gives participant i's 20 ms frame.
    public func mix(count: Int, energies: (Int) -> Int64, input: (Int) -> UnsafeBufferPointer<Int16>?) {
        selected.removeAll(keepingCapacity: true)
        // Top-N by repeated maximum: N is small (4), and this never allocates (a sort may).
        while selected.count < maximumSpeakers {
            var best = -1
            var bestEnergy: Int64 = -1
            for i in 0..<count where !selected.contains(i) {
                let e = energies(i)
                if e > bestEnergy { best = i; bestEnergy = e }
            }
            guard best >= 0 else { break }
            selected.append(best)
        }
        for i in sum.indices { sum[i] = 0 }
        for index in selected {
            guard let pcm = input(index) else { continue }
            for i in 0..<min(pcm.count, sum.count) { sum[i] &+= Int32(pcm[i]) }
        }
    }

    public func isSelected(_ index: Int) -> Bool { selected.contains(index) }

    /// Writes what participant `index` hears: the mix without their own voice, limited.
    ///
    /// The limiter is a gain, not a curve: per frame it finds the gain that keeps the peak
    /// under the ceiling, falls to it at once (ramped across the frame) and recovers slowly
    /// (about 200 ms). A per-sample curve (soft clipper) on two loud voices creates
    /// intermodulation products, e.g. 2·880 − 1320 = 440 Hz: a listener would hear a ghost
    /// of its own 440 Hz tone. The soft knee below only catches the first frame of an onset.
    public func output(for index: Int, own: UnsafeBufferPointer<Int16>?, into out: UnsafeMutableBufferPointer<Int16>) {
        let subtract = isSelected(index) ? own : nil
        let n = min(out.count, sum.count)
        var peak: Int32 = 0
        for i in 0..<n {
            var value = sum[i]
            if let subtract, i < subtract.count { value -= Int32(subtract[i]) }
            peak = max(peak, abs(value))
        }
        while gains.count <= index { gains.append(1) }   // a new listener: grows once
        let previous = gains[index]
        let needed = Double(peak) > Self.ceiling ? Self.ceiling / Double(peak) : 1
        let next = needed < previous ? needed : min(needed, previous + (1 - previous) * 0.1)
        gains[index] = next
        let step = n > 0 ? (next - previous) / Double(n) : 0
        for i in 0..<n {
            var value = sum[i]
            if let subtract, i < subtract.count { value -= Int32(subtract[i]) }
            let gain = previous + step * Double(i + 1)
            out[i] = Self.softLimit(Int32((Double(value) * gain).rounded()))
        }
    }

    /// Linear up to the ceiling, then a smooth knee that approaches but never passes full
    /// scale (only reached while the gain is still falling on an onset).
    @inline(__always)
    static func softLimit(_ value: Int32) -> Int16 {
        let threshold = Int32(ceiling)
        let magnitude = abs(value)
        if magnitude <= threshold { return Int16(value) }
        let excess = Double(magnitude - threshold)
        let headroom = Double(Int32(Int16.max) - threshold)
        let compressed = threshold + Int32(headroom * excess / (excess + headroom))
        return Int16(value < 0 ? -compressed : compressed)
    }
}

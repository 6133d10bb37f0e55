import Glibc

/// Finds the dominant tone in PCM and how far it stands above everything else: the check
/// that audio really flowed (a participant's tone arrives, at its frequency, clean).
public struct ToneAnalysis: Sendable, CustomStringConvertible {
    /// Frequency of the strongest FFT bin (parabolic interpolation between bins), Hz.
    public let peakFrequency: Double
    /// Energy within ±`peakBins` of the peak versus all other energy, dB.
    public let signalToNoiseDB: Double
    /// RMS level of the analysed samples in dBFS.
    public let levelDBFS: Double

    public var description: String {
        "peak \(Int(peakFrequency.rounded())) Hz, SNR \(oneDecimal(signalToNoiseDB)) dB, level \(oneDecimal(levelDBFS)) dBFS"
    }

    private func oneDecimal(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        return "\((value * 10).rounded() / 10)"
    }

    /// Analyses the first power-of-two window (≤ `maximumWindow`) of `samples` (mono).
    public static func analyse(_ samples: [Int16], sampleRate: Int, maximumWindow: Int = 8192, peakBins: Int = 4) -> ToneAnalysis {
        var n = 1
        while n * 2 <= min(samples.count, maximumWindow) { n *= 2 }
        precondition(n >= 64, "too few samples to analyse")
        var re = [Double](repeating: 0, count: n)
        var im = [Double](repeating: 0, count: n)
        var sumSquares = 0.0
        for i in 0..<n {
            let s = Double(samples[i]) / 32768
            sumSquares += s * s
            let hann = 0.5 - 0.5 * cos(2 * Double.pi * Double(i) / Double(n - 1))
            re[i] = s * hann
        }
        fft(&re, &im)
        var power = [Double](repeating: 0, count: n / 2)
        for k in 1..<n / 2 { power[k] = re[k] * re[k] + im[k] * im[k] }  // bin 0 (DC) left out
        var peak = 1
        for k in 1..<n / 2 where power[k] > power[peak] { peak = k }
        var signal = 0.0, noise = 0.0
        for k in 1..<n / 2 {
            if abs(k - peak) <= peakBins { signal += power[k] } else { noise += power[k] }
        }
        var offset = 0.0
        if peak > 1 && peak < n / 2 - 1 {
            let a = power[peak - 1], b = power[peak], c = power[peak + 1]
            let denominator = a - 2 * b + c
            if denominator != 0 { offset = 0.5 * (a - c) / denominator }
        }
        let rms = (sumSquares / Double(n)).squareRoot()
        return ToneAnalysis(
            peakFrequency: (Double(peak) + offset) * Double(sampleRate) / Double(n),
            signalToNoiseDB: 10 * log10(signal / max(noise, 1e-20)),
            levelDBFS: 20 * log10(max(rms, 1e-10)))
    }

    /// Level of one frequency in `samples` (Goertzel filter), dBFS of its amplitude: cheaper
    /// than an FFT when the question is "is this participant's tone in what I hear?".
    public static func level(of frequency: Double, in samples: [Int16], sampleRate: Int) -> Double {
        let n = samples.count
        guard n > 0 else { return -200 }
        let k = (Double(n) * frequency / Double(sampleRate)).rounded()
        let coefficient = 2 * cos(2 * Double.pi * k / Double(n))
        var s1 = 0.0, s2 = 0.0
        for sample in samples {
            let s0 = Double(sample) / 32768 + coefficient * s1 - s2
            s2 = s1
            s1 = s0
        }
        let power = s1 * s1 + s2 * s2 - coefficient * s1 * s2
        return 20 * log10(max(2 * power.squareRoot() / Double(n), 1e-12))
    }

    /// In-place iterative radix-2 FFT.
    static func fft(_ re: inout [Double], _ im: inout [Double]) {
        let n = re.count
        var j = 0
        for i in 1..<n {
            var bit = n >> 1
            while j & bit != 0 { j ^= bit; bit >>= 1 }
            j |= bit
            if i < j { re.swapAt(i, j); im.swapAt(i, j) }
        }
        var length = 2
        while length <= n {
            let angle = -2 * Double.pi / Double(length)
            let wr = cos(angle), wi = sin(angle)
            var start = 0
            while start < n {
                var cr = 1.0, ci = 0.0
                for k in 0..<length / 2 {
                    let a = start + k, b = a + length / 2
                    let tr = re[b] * cr - im[b] * ci
                    let ti = re[b] * ci + im[b] * cr
                    re[b] = re[a] - tr; im[b] = im[a] - ti
                    re[a] += tr; im[a] += ti
                    let next = cr * wr - ci * wi
                    ci = cr * wi + ci * wr
                    cr = next
                }
                start += length
            }
            length <<= 1
        }
    }
}

/// Sine tone generator (16-bit PCM), deterministic.
public struct ToneGenerator: Sendable {
    public let frequency: Double
    public let sampleRate: Int
    public let amplitude: Double
    private var phase = 0.0

    public init(frequency: Double, sampleRate: Int, amplitude: Double = 0.5) {
        self.frequency = frequency
        self.sampleRate = sampleRate
        self.amplitude = amplitude
    }

    /// Next `count` samples per channel, interleaved over `channels`.
    public mutating func next(_ count: Int, channels: Int = 1) -> [Int16] {
        var out = [Int16](repeating: 0, count: count * channels)
        let step = 2 * Double.pi * frequency / Double(sampleRate)
        for i in 0..<count {
            let value = Int16(amplitude * 32767 * sin(phase))
            for c in 0..<channels { out[i * channels + c] = value }
            phase += step
            if phase > 2 * Double.pi { phase -= 2 * Double.pi }
        }
        return out
    }
}

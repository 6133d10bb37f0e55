import Codecs
import Engine

/// What each load leg sends and how a receiver recognises it: a talking-head-like moving
/// picture (panning texture with camera noise, a moving block) carrying a per-leg marker, a
/// square of a colour no other leg uses, plus a per-leg tone.
enum LoadMarker {
    /// Saturated colours far apart in chroma, and far from the synthetic background's
    /// (U, V within 98…158) and its moving block's (90, 170).
    static let palette: [(name: String, color: YUVColor)] = [
        ("red", YUVColor(red: 255, green: 0, blue: 0)),
        ("green", YUVColor(red: 0, green: 255, blue: 0)),
        ("blue", YUVColor(red: 0, green: 0, blue: 255)),
        ("yellow", YUVColor(red: 255, green: 255, blue: 0)),
        ("cyan", YUVColor(red: 0, green: 255, blue: 255)),
        ("magenta", YUVColor(red: 255, green: 0, blue: 255)),
        ("violet", YUVColor(red: 120, green: 0, blue: 255)),
        ("orange", YUVColor(red: 255, green: 110, blue: 0)),
    ]

    /// Markers are verified only while every leg has its own colour.
    static var distinguishableLegs: Int { palette.count }

    static func color(forLeg index: Int) -> YUVColor { palette[index % palette.count].color }

    /// Leg `index`'s tone: 300, 430, 560 … Hz (no two are harmonics of each other below 8 legs).
    static func tone(forLeg index: Int) -> Double { 300 + 130 * Double(index % 12) }

    /// Chroma samples of `frame` within ±`tolerance` of each palette colour (4:2:0 chroma).
    static func census(_ frame: VideoFrame, tolerance: Int = 22) -> [Int] {
        var counts = [Int](repeating: 0, count: palette.count)
        frame.withPlane(1) { u in
            frame.withPlane(2) { v in
                for y in stride(from: 0, to: u.height, by: 2) {
                    for x in stride(from: 0, to: u.width, by: 2) {
                        let cu = Int(u[x, y]), cv = Int(v[x, y])
                        for (i, entry) in palette.enumerated()
                        where abs(cu - Int(entry.color.u)) <= tolerance && abs(cv - Int(entry.color.v)) <= tolerance {
                            counts[i] += 1
                        }
                    }
                }
            }
        }
        return counts
    }

    /// Bits of the per-frame stamp: the frame's index in its one-second loop (0…29).
    static let stampBits = 5

    /// Where a marker square of side `side` at (x, y) puts its stamp: a row of `stampBits`
    /// blocks (white = 1, black = 0, most significant first) half a block below it.
    static func stampBlocks(markerX: Int, markerMaxY: Int, side: Int) -> [PixelRect] {
        let block = (side / stampBits) & ~1
        return (0..<stampBits).map { PixelRect(x: markerX + $0 * block, y: (markerMaxY + block / 2) & ~1, width: block, height: block) }
    }

    /// Reads the stamp under leg `leg`'s marker in a received (composed, scaled) picture, or
    /// nil when the marker is not there or too small to read.
    static func readStamp(_ frame: VideoFrame, leg: Int, tolerance: Int = 22) -> Int? {
        let target = color(forLeg: leg)
        var rows: [Int] = [], cols: [Int] = []
        frame.withPlane(1) { u in
            frame.withPlane(2) { v in
                var rowCounts = [Int](repeating: 0, count: u.height), colCounts = [Int](repeating: 0, count: u.width)
                for y in 0..<u.height {
                    for x in 0..<u.width
                    where abs(Int(u[x, y]) - Int(target.u)) <= tolerance && abs(Int(v[x, y]) - Int(target.v)) <= tolerance {
                        rowCounts[y] += 1
                        colCounts[x] += 1
                    }
                }
                // Rows/columns with a few matches belong to the square; stray pixels do not.
                rows = rowCounts.indices.filter { rowCounts[$0] >= 3 }
                cols = colCounts.indices.filter { colCounts[$0] >= 3 }
            }
        }
        guard let minX = cols.first, let maxX = cols.last, let maxY = rows.last else { return nil }
        let side = 2 * (maxX - minX + 1)
        guard side >= 5 * 6 else { return nil }   // blocks under 6 pixels do not survive coding
        var value = 0
        var readable = true
        frame.withPlane(0) { luma in
            for block in stampBlocks(markerX: 2 * minX, markerMaxY: 2 * (maxY + 1), side: side) {
                let cx = block.x + block.width / 2, cy = block.y + block.height / 2
                guard cx < luma.width, cy < luma.height else { readable = false; return }
                value = value << 1 | (luma[cx, cy] > 128 ? 1 : 0)
            }
        }
        return readable ? value : nil
    }

    /// Encodes leg `index`'s one-second loop (30 frames at 30 fps, IDR first) at the size
    /// given, with the settings an endpoint of that class would use; each picture carries the
    /// leg's marker and its frame stamp. `onSend` learns when each goes out.
    static func encodeLoop(forLeg index: Int, width: Int, height: Int, frames: Int = 30,
                           onSend: (@Sendable (Int, Int64) -> Void)? = nil) throws -> EncodedVideoLoop {
        let source = SyntheticVideoSource(width: width, height: height, seed: UInt64(index + 1))
        let picture = try VideoFrame(width: width, height: height)
        let bitrate = width >= 1920 ? 2_500_000 : width >= 1280 ? 1_500_000 : 700_000
        let encoder = try H264Encoder(.init(width: width, height: height, bitrate: bitrate, keyframeInterval: frames))
        let side = (height / 3) & ~1
        let marker = PixelRect(x: (width / 10) & ~1, y: (height / 8) & ~1, width: side, height: side)
        var units: [[UInt8]] = []
        var keyframes: [Bool] = []
        for frame in 0..<frames {
            source.render(frame: frame, into: picture)
            Canvas.fill(picture, marker, with: color(forLeg: index))
            for (bit, block) in stampBlocks(markerX: marker.x, markerMaxY: marker.maxY, side: side).enumerated() {
                let one = frame >> (stampBits - 1 - bit) & 1 == 1
                Canvas.fill(picture, block, with: one ? .white : .black)
            }
            if frame == 0 { encoder.forceKeyframe() }
            // Zero-latency x264: one access unit out per picture in.
            _ = try encoder.encode(picture) { unit in
                units.append(Array(unit.bytes))
                keyframes.append(unit.isKeyframe)
            }
        }
        return EncodedVideoLoop(accessUnits: units, keyframes: keyframes, onSend: onSend)
    }
}

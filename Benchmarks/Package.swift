// swift-tools-version: 6.1
import PackageDescription

// Codec benchmarks for callbridge, kept out of the main package so that their release build
// (ordo-one/benchmark, its dependencies and the codec modules: minutes the first time on 2
// cores) stays out of tools/test.sh.
//   cd Benchmarks && swift package benchmark      # the Swift side only
//   Benchmarks/compare.sh                          # plus the ffmpeg command-line baseline
let package = Package(
    name: "CallbridgeBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "callbridge", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "CodecBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Codecs", package: "callbridge"),
                .product(name: "MediaCore", package: "callbridge"),
                .product(name: "MediaAnalysis", package: "callbridge"),
            ],
            path: "Benchmarks/CodecBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // The packet path (RTP parse, SRTP + depacketize, packetize + SRTP + send) against bare
        // sendmmsg/recvmmsg loops over the same packets, in packets per second.
        .executableTarget(
            name: "PacketBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Codecs", package: "callbridge"),
                .product(name: "MediaCore", package: "callbridge"),
                .product(name: "RTP", package: "callbridge"),
                .product(name: "SRTP", package: "callbridge"),
                .product(name: "CSystemShims", package: "callbridge"),
            ],
            path: "Benchmarks/PacketBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // SIP message parse + serialize against a line-splitting baseline, in messages per second.
        .executableTarget(
            name: "SIPBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SIP", package: "callbridge"),
            ],
            path: "Benchmarks/SIPBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // One conference leg's CPU (decode, compose, encode, audio) at 1080p/720p/480p, compose
        // per layout, and predicted legs per core next to the x264-encode-only ceiling.
        .executableTarget(
            name: "BridgeBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Codecs", package: "callbridge"),
                .product(name: "Mixer", package: "callbridge"),
            ],
            path: "Benchmarks/BridgeBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // Writes the benchmarks' inputs (SyntheticVideoSource frames as raw yuv420p, H264Encoder's
        // bitstream, the tone as s16le) so compare.sh hands ffmpeg the very same input.
        .executableTarget(
            name: "BenchmarkInputs",
            dependencies: [
                .product(name: "Codecs", package: "callbridge"),
                .product(name: "MediaAnalysis", package: "callbridge"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)

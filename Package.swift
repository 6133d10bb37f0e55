// swift-tools-version: 6.1
import PackageDescription

// Targets follow ARCHITECTURE.md; dependencies point down only:
//   CModules/* -> MediaCore -> Codecs -> (RTP, SRTP, Engine, ... in later issues) -> callbridge
let package = Package(
    name: "callbridge",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "callbridge", targets: ["callbridge"]),
        .executable(name: "callbridge-load", targets: ["callbridge-load"]),
        .library(name: "MediaCore", targets: ["MediaCore"]),
        .library(name: "CSystemShims", targets: ["CSystemShims"]),
        .library(name: "Codecs", targets: ["Codecs"]),
        .library(name: "MediaAnalysis", targets: ["MediaAnalysis"]),
        .library(name: "RTP", targets: ["RTP"]),
        .library(name: "SRTP", targets: ["SRTP"]),
        .library(name: "Engine", targets: ["Engine"]),
        .library(name: "SIP", targets: ["SIP"]),
        .library(name: "Mixer", targets: ["Mixer"]),
        .library(name: "Store", targets: ["Store"]),
        .library(name: "AdminAPI", targets: ["AdminAPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        // Admin layer. Hummingbird's default traits pull swift-configuration, which we do not use.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // System libraries from Debian 12; Debian's libavcodec.pc links only -lavcodec, so the
        // module map links the other FFmpeg libraries itself.
        .systemLibrary(
            name: "CFFmpeg", path: "CModules/CFFmpeg", pkgConfig: "libavcodec",
            providers: [.apt(["libavcodec-dev", "libavutil-dev", "libswscale-dev", "libswresample-dev"])]),
        .systemLibrary(
            name: "COpus", path: "CModules/COpus", pkgConfig: "opus",
            providers: [.apt(["libopus-dev"])]),
        .systemLibrary(
            name: "CSRTP", path: "CModules/CSRTP", pkgConfig: "libsrtp2",
            providers: [.apt(["libsrtp2-dev"])]),
        .systemLibrary(
            name: "COpenSSL", path: "CModules/COpenSSL", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        .target(name: "CSystemShims"),

        .target(name: "MediaCore", dependencies: ["CSystemShims"]),
        .target(name: "Codecs", dependencies: ["MediaCore", "CFFmpeg", "COpus"]),
        // RTP/RTCP wire formats, payload formats (RFC 6184, 7587, 3551, 4733), jitter buffers.
        .target(name: "RTP", dependencies: ["MediaCore"]),
        // SRTP/SRTCP (RFC 3711): AES-CM suites on our transform over OpenSSL libcrypto, GCM on
        // libsrtp2; SDES key material (RFC 4568).
        .target(name: "SRTP", dependencies: ["MediaCore", "CSRTP", "COpenSSL"]),
        // SDP model and offer/answer (RFC 8866, RFC 3264, RFC 6184 §8, RFC 7587, RFC 4568).
        .target(name: "SDP", dependencies: ["MediaCore", "SRTP"]),
        // SIP messages, URIs and headers (RFC 3261); transports and transactions to come.
        .target(name: "SIP", dependencies: ["MediaCore"]),
        // Layouts (CMS names, as data), compositor, bitmap font, mix-minus audio mixer.
        .target(name: "Mixer", dependencies: ["Codecs", "MediaCore"]),
        // SIP over UDP/TCP/TLS on swift-nio, with a self-signed identity on first start.
        .target(name: "SIPTransport", dependencies: [
            "SIP", "MediaCore",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The SIP user agent server: transactions, dialogs, calls into spaces via Control.
        .target(name: "SIPUserAgent", dependencies: [
            "SIP", "SIPTransport", "Control", "SDP",
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
        // Pinned media workers, legs, and their video/audio pipelines.
        .target(name: "Engine", dependencies: ["MediaCore", "CSystemShims", "Codecs", "RTP", "SRTP", "Mixer"]),
        // Spaces, dial plan, placing legs on workers: the API signalling and admin call.
        .target(name: "Control", dependencies: ["Engine", "SDP", "Mixer", "Codecs", "MediaCore", "RTP"]),
        // Configuration in SQLite through GRDB (schema kept portable to PostgreSQL): spaces,
        // profiles, dial plan, admin users (PBKDF2 over libcrypto), settings.
        .target(name: "Store", dependencies: [
            "COpenSSL",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        // The CMS-compatible REST API, web admin and /metrics over HTTPS (Hummingbird).
        .target(name: "AdminAPI", dependencies: [
            "Store", "Control", "Engine", "Mixer", "SDP",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // PSNR and tone analysis: how tests and the load generator prove media really flowed.
        .target(name: "MediaAnalysis", dependencies: ["Codecs"]),
        .executableTarget(
            name: "callbridge",
            dependencies: [
                "MediaCore", "Codecs", "MediaAnalysis", "RTP", "SRTP", "Engine", "Control", "SIPTransport", "SIPUserAgent",
                "Store", "AdminAPI",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The load generator: real SIP legs with real media, reporting what the bridge sustains.
        .executableTarget(
            name: "callbridge-load",
            dependencies: [
                "MediaCore", "Codecs", "MediaAnalysis", "SDP", "SIP", "SIPTransport", "Engine", "Control",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(name: "CSystemShimsTests", dependencies: ["CSystemShims"]),
        .testTarget(name: "MediaCoreTests", dependencies: ["MediaCore"]),
        .testTarget(name: "CodecsTests", dependencies: ["Codecs", "MediaCore", "MediaAnalysis", "CFFmpeg"]),
        .testTarget(name: "RTPTests", dependencies: ["RTP", "MediaCore", "Codecs"]),
        .testTarget(name: "SRTPTests", dependencies: ["SRTP", "MediaCore", "CSRTP"]),
        .testTarget(name: "SDPTests", dependencies: ["SDP", "SRTP", "MediaCore"]),
        .testTarget(name: "SIPTests", dependencies: ["SIP"]),
        .testTarget(name: "MixerTests", dependencies: ["Mixer", "Codecs", "MediaAnalysis"]),
        .testTarget(name: "ControlTests", dependencies: ["Control", "Engine", "SDP", "MediaCore"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "MediaCore", "Codecs", "RTP", "SRTP", "MediaAnalysis"]),
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        .testTarget(name: "AdminAPITests", dependencies: ["AdminAPI", "Store", "Control", "Engine", "MediaCore"]),
        .testTarget(name: "CallBridgeTests", dependencies: ["callbridge", "MediaAnalysis"]),
    ],
    swiftLanguageModes: [.v6]
)

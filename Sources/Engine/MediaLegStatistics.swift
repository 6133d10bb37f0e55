import MediaCore

/// A snapshot of one leg's media counters, copied out of the worker for the control plane.
public struct MediaLegStatistics: Sendable, Equatable {
    public struct Stream: Sendable, Equatable {
        public var packetsReceived = 0
        public var bytesReceived = 0
        public var packetsLost: Int64 = 0
        public var jitterMilliseconds = 0.0
        public var packetsSent = 0
        public var bytesSent = 0
        /// Complete access units depacketized (video), decoded or not.
        public var framesReceived = 0
        /// Frames decoded (video pictures or 20 ms audio frames) and encoded.
        public var framesDecoded = 0
        /// Access units or packets the decoder rejected (each triggers a keyframe request).
        public var decodeErrors = 0
        public var framesEncoded = 0
        public var keyframesReceived = 0
        public var keyframesSent = 0
        public var keyframeRequestsSent = 0
        public var keyframeRequestsReceived = 0
        public var nacksSent = 0
        public var nacksReceived = 0
        public var retransmissionsSent = 0
        public var rtcpReceived = 0
        public var rtcpSent = 0
        public var concealedFrames = 0
        public var dtmfDigits = ""
        /// Drops per reason (RTP, RTCP, payload, SRTP), with their descriptions.
        public var drops: [String: Int] = [:]
        public var dropsTotal: Int { drops.values.reduce(0, +) }
    }

    public var video = Stream()
    public var audio = Stream()

    public init() {}
}

extension PacketDropCounters {
    func merge(into drops: inout [String: Int]) {
        for (reason, count) in nonZero { drops[reason.description, default: 0] += count }
    }
}

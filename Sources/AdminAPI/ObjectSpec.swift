import Mixer
import Store

/// How one field of an API object is named, typed and validated. The same table drives
/// request parsing, the XML/JSON shapes and the OpenAPI document.
struct FieldSpec: Sendable {
    enum Kind: Sendable {
        case string(maximumLength: Int)
        /// A sip: or sips: URI.
        case sipURI(maximumLength: Int)
        case digits(maximumLength: Int)
        case bool
        case integer(ClosedRange<Int>)
        case choice([String])
        /// The id of an object in another table.
        case reference(ConfigTable)
    }

    var name: String
    var kind: Kind
    var requiredOnCreate = false
    /// Stored fields can be cleared with an empty value; live settings cannot.
    var clearable = true
    var summary: String

    init(_ name: String, _ kind: Kind, required: Bool = false, clearable: Bool = true, _ summary: String) {
        self.name = name
        self.kind = kind
        requiredOnCreate = required
        self.clearable = clearable && !required
        self.summary = summary
    }
}

/// A configuration object family of the API (`/api/v1/<plural>`), stored in `table`.
struct ObjectSpec: Sendable {
    var plural: String
    var singular: String
    var table: ConfigTable
    var fields: [FieldSpec]

    /// CMS names the failure `<singular>DoesNotExist`.
    var doesNotExist: String { "\(singular)DoesNotExist" }

    static let layouts = LayoutName.allCases.map(\.rawValue)
    static let qualities = ["unrestricted", "max1080p30", "max720p30", "max480p30"]

    static let coSpaces = ObjectSpec(plural: "coSpaces", singular: "coSpace", table: .coSpaces, fields: [
        FieldSpec("name", .string(maximumLength: 200), "Display name of the space."),
        FieldSpec("uri", .string(maximumLength: 200), required: true,
                  "User part of the SIP URI that dials into the space (unique among uri, secondaryUri and callId)."),
        FieldSpec("secondaryUri", .string(maximumLength: 200), "A second user part reaching the space."),
        FieldSpec("callId", .digits(maximumLength: 100), "Numeric id reaching the space (also dialable)."),
        FieldSpec("passcode", .digits(maximumLength: 100), "Stored for CMS compatibility; not enforced yet (no IVR)."),
        FieldSpec("defaultLayout", .choice(layouts), "Layout new legs get (overrides the call leg profile's)."),
        FieldSpec("callLegProfile", .reference(.callLegProfiles), "Id of the call leg profile for legs of this space."),
        FieldSpec("callProfile", .reference(.callProfiles), "Id of the call profile (participant limit)."),
    ])

    static let callLegProfiles = ObjectSpec(plural: "callLegProfiles", singular: "callLegProfile", table: .callLegProfiles, fields: [
        FieldSpec("defaultLayout", .choice(layouts), "Layout a leg starts with."),
        FieldSpec("qualityMain", .choice(qualities), "Largest main video sent to a leg."),
        FieldSpec("changeLayoutAllowed", .bool, "Whether the layout of a leg may be changed."),
        FieldSpec("participantLabels", .bool, "Name labels on panes."),
        FieldSpec("rxAudioMute", .bool, "Others do not hear the leg."),
        FieldSpec("txAudioMute", .bool, "The leg hears silence."),
        FieldSpec("rxVideoMute", .bool, "Others see a black pane instead of the leg."),
        FieldSpec("txVideoMute", .bool, "The leg is sent a black picture."),
        FieldSpec("sipMediaEncryption", .choice(["optional", "required", "prohibited"]), "SRTP policy (RFC 4568 SDES)."),
    ])

    static let callProfiles = ObjectSpec(plural: "callProfiles", singular: "callProfile", table: .callProfiles, fields: [
        FieldSpec("participantLimit", .integer(1...10_000), "Most participants a space with this profile admits."),
    ])

    static let inboundDialPlanRules = ObjectSpec(plural: "inboundDialPlanRules", singular: "inboundDialPlanRule",
                                                 table: .inboundDialPlanRules, fields: [
        FieldSpec("domain", .string(maximumLength: 255), required: true,
                  "Request-URI host this rule matches ('*' any, '*.example.com' subdomains)."),
        FieldSpec("priority", .integer(0...1_000_000), "Higher priority rules are tried first."),
        FieldSpec("resolveToCoSpaces", .bool, "Whether calls to the domain reach coSpaces."),
    ])

    static let all = [coSpaces, callLegProfiles, callProfiles, inboundDialPlanRules]
}

/// A 4xx answer in CMS's `failureDetails` shape.
struct APIFailure: Error, Sendable {
    var status: Int
    var element: APIElement

    /// `<failureDetails><parameterError parameter="…" error="…" reason="…" /></failureDetails>`
    static func parameter(_ name: String, _ error: String, _ reason: String) -> APIFailure {
        APIFailure(status: 400, element: APIElement("failureDetails", children: [
            APIElement("parameterError", attributes: [("parameter", .string(name)), ("error", .string(error)),
                                                      ("reason", .string(reason))]),
        ]))
    }

    /// `<failureDetails><coSpaceDoesNotExist reason="…" /></failureDetails>` and the like.
    static func named(_ failure: String, status: Int = 400, _ reason: String) -> APIFailure {
        APIFailure(status: status, element: APIElement("failureDetails", children: [
            APIElement(failure, attributes: [("reason", .string(reason))]),
        ]))
    }
}

extension FieldSpec {
    /// Parses one form value. An empty value clears an optional field (CMS behaviour).
    func parse(_ text: String) throws(APIFailure) -> StoreValue? {
        if text.isEmpty {
            guard clearable else { throw .parameter(name, "invalidValue", "\(name) cannot be empty") }
            return nil
        }
        switch kind {
        case .string(let maximum):
            guard text.count <= maximum else { throw .parameter(name, "valueTooLong", "\(name) is longer than \(maximum) characters") }
            guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f || $0.value == 0xFFFE || $0.value == 0xFFFF }) else {
                throw .parameter(name, "invalidValue", "\(name) contains control characters")
            }
            return .text(text)
        case .sipURI(let maximum):
            guard text.count <= maximum else { throw .parameter(name, "valueTooLong", "\(name) is longer than \(maximum) characters") }
            let lower = text.lowercased()
            guard lower.hasPrefix("sip:") || lower.hasPrefix("sips:"), text.count > 4,
                  !text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7f }) else {
                throw .parameter(name, "invalidValue", "\(name) must be a SIP URI such as sip:alice@127.0.0.1:5070")
            }
            return .text(text)
        case .digits(let maximum):
            guard text.count <= maximum else { throw .parameter(name, "valueTooLong", "\(name) is longer than \(maximum) digits") }
            guard text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw .parameter(name, "invalidValue", "\(name) must be digits only")
            }
            return .text(text)
        case .bool:
            switch text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw .parameter(name, "invalidValue", "\(name) must be true or false, not '\(text)'")
            }
        case .integer(let range):
            guard let value = Int(text) else { throw .parameter(name, "invalidValue", "\(name) must be an integer, not '\(text)'") }
            guard range.contains(value) else {
                throw .parameter(name, "invalidValue", "\(name) must be in \(range.lowerBound)…\(range.upperBound)")
            }
            return .integer(value)
        case .choice(let choices):
            guard let match = choices.first(where: { $0.caseInsensitiveCompare(text) == .orderedSame }) else {
                throw .parameter(name, "invalidValue", "\(name) must be one of \(choices.joined(separator: ", ")), not '\(text)'")
            }
            return .text(match)
        case .reference:
            guard text.count <= 100 else { throw .parameter(name, "valueTooLong", "\(name) is not an object id") }
            return .text(text)
        }
    }

    func element(_ value: StoreValue) -> APIElement {
        switch value {
        case .text(let s): return APIElement(name, value: .string(s))
        case .integer(let i): return APIElement(name, value: .integer(i))
        case .bool(let b): return APIElement(name, value: .bool(b))
        }
    }
}

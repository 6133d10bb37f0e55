/// The Cisco Meeting Server layout names (API `defaultLayout` / `chosenLayout`), with CMS
/// meaning. Layouts are data: `Layout.panes(for:sourceCount:)` turns a name and the number of
/// visible participants into panes; nothing else in the engine knows one layout from another.
public enum LayoutName: String, CaseIterable, Sendable, Codable {
    case allEqual
    case allEqualQuarters
    case allEqualNinths
    case allEqualSixteenths
    case allEqualTwentyFifths
    case speakerOnly
    case telepresence
    case stacked
    case onePlusFive
    case onePlusSeven
    case onePlusNine
    case onePlusN
    case automatic
}

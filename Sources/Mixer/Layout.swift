/// A rectangle as fractions of the canvas (0...1), so one layout serves every resolution.
public struct FractionalRect: Equatable, Sendable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public static let full = FractionalRect(x: 0, y: 0, width: 1, height: 1)
}

/// One pane of a layout: where it is and who it shows. `source` indexes the ordered list of
/// visible participants (0 is the active speaker where the layout has a speaker pane).
public struct Pane: Equatable, Sendable {
    public var rect: FractionalRect
    public var source: Int
    /// Drawn over the panes before it (telepresence thumbnails).
    public var isOverlay: Bool

    public init(rect: FractionalRect, source: Int, isOverlay: Bool = false) {
        self.rect = rect
        self.source = source
        self.isOverlay = isOverlay
    }
}

/// Pane geometry for every CMS layout. Pure functions of (layout, number of visible sources).
public enum Layout {
    /// Panes for `sourceCount` visible participants (a leg's own picture is not among them).
    /// Fixed grids show at most their pane count (overflow not shown, as in CMS).
    public static func panes(for name: LayoutName, sourceCount: Int) -> [Pane] {
        guard sourceCount > 0 else { return [] }
        switch name {
        case .allEqual:
            let n = min(5, max(1, Int((Double(sourceCount)).squareRoot().rounded(.up))))
            return grid(n, count: min(sourceCount, n * n))
        case .allEqualQuarters: return grid(2, count: min(sourceCount, 4))
        case .allEqualNinths: return grid(3, count: min(sourceCount, 9))
        case .allEqualSixteenths: return grid(4, count: min(sourceCount, 16))
        case .allEqualTwentyFifths: return grid(5, count: min(sourceCount, 25))
        case .speakerOnly:
            return [Pane(rect: .full, source: 0)]
        case .telepresence:
            // Speaker full screen; up to 5 thumbnails overlaid along the bottom edge.
            var panes = [Pane(rect: .full, source: 0)]
            let thumbs = min(sourceCount - 1, 5)
            let w = 0.18, h = 0.18, gap = 0.01
            let total = Double(thumbs) * w + Double(max(0, thumbs - 1)) * gap
            var x = (1 - total) / 2
            for i in 0..<thumbs {
                panes.append(Pane(rect: FractionalRect(x: x, y: 1 - h - 0.03, width: w, height: h), source: i + 1, isOverlay: true))
                x += w + gap
            }
            return panes
        case .stacked:
            // Speaker large on top; up to 5 others in a strip below.
            let others = min(sourceCount - 1, 5)
            if others == 0 { return [Pane(rect: .full, source: 0)] }
            var panes = [Pane(rect: FractionalRect(x: 0.125, y: 0, width: 0.75, height: 0.75), source: 0)]
            let w = 1.0 / Double(max(others, 4))
            let x0 = (1 - w * Double(others)) / 2
            for i in 0..<others {
                panes.append(Pane(rect: FractionalRect(x: x0 + Double(i) * w, y: 0.75, width: w, height: 0.25), source: i + 1))
            }
            return panes
        case .onePlusFive: return onePlus(grid: 3, count: sourceCount)
        case .onePlusSeven: return onePlus(grid: 4, count: sourceCount)
        case .onePlusNine: return onePlus(grid: 5, count: sourceCount)
        case .onePlusN:
            return onePlus(grid: sourceCount <= 6 ? 3 : sourceCount <= 8 ? 4 : 5, count: sourceCount)
        case .automatic:
            if sourceCount == 1 { return panes(for: .speakerOnly, sourceCount: 1) }
            if sourceCount <= 4 { return panes(for: .allEqual, sourceCount: sourceCount) }
            return panes(for: .onePlusN, sourceCount: sourceCount)
        }
    }

    /// True when the layout gives the active speaker a pane of its own (pane order matters).
    public static func hasSpeakerPane(_ name: LayoutName, sourceCount: Int) -> Bool {
        switch name {
        case .speakerOnly, .telepresence, .stacked, .onePlusFive, .onePlusSeven, .onePlusNine, .onePlusN: return true
        case .automatic: return sourceCount == 1 || sourceCount > 4
        default: return false
        }
    }

    /// `n`×`n` equal panes filled row by row; the last row is centred when not full.
    static func grid(_ n: Int, count: Int) -> [Pane] {
        let size = 1.0 / Double(n)
        var panes: [Pane] = []
        let rowsUsed = (count + n - 1) / n
        // Centre the used rows vertically, as a growing grid would.
        let y0 = (1 - Double(rowsUsed) * size) / 2
        for i in 0..<count {
            let row = i / n, column = i % n
            let inRow = row == rowsUsed - 1 ? count - row * n : n
            let x0 = (1 - Double(inRow) * size) / 2
            panes.append(Pane(rect: FractionalRect(x: x0 + Double(column) * size, y: y0 + Double(row) * size, width: size, height: size), source: i))
        }
        return panes
    }

    /// One large pane of (g-1)×(g-1) cells at top-left, small cells down the right column and
    /// along the bottom row: 1+5 (g=3), 1+7 (g=4), 1+9 (g=5).
    static func onePlus(grid g: Int, count: Int) -> [Pane] {
        let cell = 1.0 / Double(g)
        var panes = [Pane(rect: FractionalRect(x: 0, y: 0, width: cell * Double(g - 1), height: cell * Double(g - 1)), source: 0)]
        var slots: [FractionalRect] = []
        for row in 0..<(g - 1) { slots.append(FractionalRect(x: cell * Double(g - 1), y: cell * Double(row), width: cell, height: cell)) }
        for column in 0..<g { slots.append(FractionalRect(x: cell * Double(column), y: cell * Double(g - 1), width: cell, height: cell)) }
        for (i, rect) in slots.prefix(count - 1).enumerated() { panes.append(Pane(rect: rect, source: i + 1)) }
        return panes
    }
}

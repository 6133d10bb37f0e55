import Codecs

/// What one pane shows: a participant's latest picture, or their name on a tile when they
/// send no video.
public struct PaneContent {
    public var picture: VideoFrame?
    public var label: String
    /// Who the picture is from and which of their pictures it is (changes with every new
    /// decoded picture): the key of the shared scaled tile.
    public var sourceID: Int
    public var serial: Int

    public init(picture: VideoFrame?, label: String, sourceID: Int = 0, serial: Int = 0) {
        self.picture = picture
        self.label = label
        self.sourceID = sourceID
        self.serial = serial
    }
}

/// Composes a leg's picture: panes from `Layout`, each source scaled aspect-fit into its
/// pane (black bars), participants without video shown as a name tile, optional name labels,
/// and a slate when nobody else is there. One per worker (it owns a `Scaler`).
public final class Compositor {
    public static let background = YUVColor(y: 16, u: 128, v: 128)
    public static let tileColor = YUVColor(red: 40, green: 44, blue: 52)
    public static let slateColor = YUVColor(red: 20, green: 60, blue: 110)
    private let scaler = Scaler()

    public init() {}

    /// Fills `canvas` with the slate shown to a participant who is alone in the space.
    public func drawSlate(_ canvas: Canvas, text: String = "Waiting for others to join") {
        canvas.fill(Self.slateColor)
        let scale = max(2, canvas.width / 240)
        canvas.drawText(text, centeredAt: canvas.width / 2, canvas.height / 2, scale: scale)
    }

    /// Composes `panes` onto `canvas`; `content(source)` gives what the pane's source shows.
    /// With `tiles`, each source is scaled once per pane size and picture and shared between
    /// the compositions of one round (see `ScaledTileCache`).
    public func compose(_ canvas: Canvas, panes: [Pane], labels: Bool, tiles: ScaledTileCache? = nil,
                        content: (Int) -> PaneContent?) throws(CodecError) {
        canvas.fill(Self.background)
        for pane in panes {
            let rect = pixelRect(pane.rect, in: canvas)
            guard !rect.isEmpty else { continue }
            let item = content(pane.source)
            if let item, let picture = item.picture, picture.hasPixels {
                if let tiles {
                    try scaler.scale(picture, sourceID: item.sourceID, serial: item.serial, tiles: tiles, into: canvas, rect: rect)
                } else {
                    try scaler.scale(picture, into: canvas, rect: rect)
                }
            } else {
                canvas.fill(rect, with: Self.tileColor)
                if let name = item?.label {
                    let scale = max(1, rect.width / 160)
                    canvas.drawText(name, centeredAt: rect.x + rect.width / 2, rect.y + rect.height / 2, scale: scale)
                }
            }
            if labels, let name = item?.label, item?.picture != nil {
                let scale = max(1, canvas.height / 360)
                let size = BitmapFont.size(of: name, scale: scale)
                let bar = PixelRect(x: rect.x, y: rect.maxY - size.height - 4 * scale, width: min(rect.width, size.width + 6 * scale), height: size.height + 4 * scale)
                canvas.fill(bar, with: Self.background)
                canvas.drawText(name, x: bar.x + 3 * scale, y: bar.y + 2 * scale, scale: scale)
            }
        }
    }

    /// A fractional pane in even pixels of this canvas.
    public func pixelRect(_ rect: FractionalRect, in canvas: Canvas) -> PixelRect {
        let x0 = Int((rect.x * Double(canvas.width)).rounded()), y0 = Int((rect.y * Double(canvas.height)).rounded())
        let x1 = Int(((rect.x + rect.width) * Double(canvas.width)).rounded())
        let y1 = Int(((rect.y + rect.height) * Double(canvas.height)).rounded())
        return PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0).evenAligned
    }
}

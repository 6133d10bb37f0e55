import Testing
@testable import Mixer

@Suite("Layouts (CMS names as data)")
struct LayoutTests {
    func overlaps(_ a: FractionalRect, _ b: FractionalRect) -> Bool {
        a.x < b.x + b.width - 1e-9 && b.x < a.x + a.width - 1e-9 && a.y < b.y + b.height - 1e-9 && b.y < a.y + a.height - 1e-9
    }

    @Test func allEqualGrowsOneToFiveByFive() {
        #expect(Layout.panes(for: .allEqual, sourceCount: 1).count == 1)
        #expect(Layout.panes(for: .allEqual, sourceCount: 1)[0].rect == .full)
        #expect(Layout.panes(for: .allEqual, sourceCount: 2).map(\.rect.width) == [0.5, 0.5])
        #expect(Layout.panes(for: .allEqual, sourceCount: 4).count == 4)
        #expect(Layout.panes(for: .allEqual, sourceCount: 5).first?.rect.width == 1.0 / 3)
        #expect(Layout.panes(for: .allEqual, sourceCount: 17).first?.rect.width == 0.2)
        #expect(Layout.panes(for: .allEqual, sourceCount: 40).count == 25, "5×5 at most")
    }

    @Test func fixedGridsDoNotShowOverflow() {
        #expect(Layout.panes(for: .allEqualQuarters, sourceCount: 9).count == 4)
        #expect(Layout.panes(for: .allEqualNinths, sourceCount: 12).count == 9)
        #expect(Layout.panes(for: .allEqualSixteenths, sourceCount: 20).count == 16)
        #expect(Layout.panes(for: .allEqualTwentyFifths, sourceCount: 30).count == 25)
        #expect(Layout.panes(for: .allEqualQuarters, sourceCount: 1).count == 1)
    }

    @Test func onePlusLayoutsHaveOneLargePaneAndTheRightNumberOfSmallOnes() {
        for (name, small) in [(LayoutName.onePlusFive, 5), (.onePlusSeven, 7), (.onePlusNine, 9)] {
            let panes = Layout.panes(for: name, sourceCount: 20)
            #expect(panes.count == 1 + small, "\(name)")
            #expect(panes[0].source == 0 && panes[0].rect.width > panes[1].rect.width * 1.9)
        }
        #expect(Layout.panes(for: .onePlusN, sourceCount: 4).count == 4)
        #expect(Layout.panes(for: .onePlusN, sourceCount: 8).count == 8)
    }

    @Test func speakerLayouts() {
        #expect(Layout.panes(for: .speakerOnly, sourceCount: 6) == [Pane(rect: .full, source: 0)])
        let tele = Layout.panes(for: .telepresence, sourceCount: 4)
        #expect(tele.count == 4 && tele[0].rect == .full && tele.dropFirst().allSatisfy(\.isOverlay))
        let stacked = Layout.panes(for: .stacked, sourceCount: 3)
        #expect(stacked.count == 3 && stacked[0].rect.height == 0.75)
        #expect(Layout.hasSpeakerPane(.speakerOnly, sourceCount: 3) && !Layout.hasSpeakerPane(.allEqual, sourceCount: 3))
    }

    @Test("every layout: panes inside the canvas, distinct sources, no overlap except overlays", arguments: LayoutName.allCases)
    func geometryIsSane(name: LayoutName) {
        for count in 1...30 {
            let panes = Layout.panes(for: name, sourceCount: count)
            #expect(!panes.isEmpty && panes.count <= count)
            #expect(Set(panes.map(\.source)).count == panes.count)
            #expect(panes.allSatisfy { $0.source < count })
            for p in panes {
                #expect(p.rect.x >= -1e-9 && p.rect.y >= -1e-9 && p.rect.x + p.rect.width <= 1 + 1e-9 && p.rect.y + p.rect.height <= 1 + 1e-9)
            }
            let base = panes.filter { !$0.isOverlay }
            for i in base.indices { for j in base.indices where j > i { #expect(!overlaps(base[i].rect, base[j].rect), "\(name) \(count)") } }
        }
        #expect(Layout.panes(for: name, sourceCount: 0).isEmpty)
    }
}

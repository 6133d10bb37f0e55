import Foundation
import Store
import Testing

@Suite("Configuration store (SQLite through GRDB)")
struct ConfigStoreTests {
    @Test func migrationsCreateEveryTableWithTheColumnsTheAPIUses() throws {
        let store = try ConfigStore(path: ":memory:")
        #expect(try store.appliedMigrations() == ["v1-configuration"])
        for table in ConfigTable.allCases {
            let columns = try store.read { try $0.schemaColumns(table) }
            #expect(columns == table.columns.map(\.name), "\(table): \(columns)")
        }
    }

    @Test func createReadUpdateDeleteKeepsTypes() throws {
        let store = try ConfigStore(path: ":memory:")
        let id = try store.write { try $0.insert(.callLegProfiles, ["defaultLayout": .text("speakerOnly"), "rxAudioMute": .bool(true)]) }
        #expect(UUID(uuidString: id) != nil, "ids are UUIDs: \(id)")
        var object = try #require(try store.read { try $0.get(.callLegProfiles, id: id) })
        #expect(object["defaultLayout"] == .text("speakerOnly"))
        #expect(object["rxAudioMute"] == .bool(true))
        #expect(object["txAudioMute"] == nil, "unset columns are absent")
        let changes: [String: StoreValue?] = ["defaultLayout": nil, "txAudioMute": .bool(false)]
        let updated = try store.write { tx in
            (try tx.update(.callLegProfiles, id: id, changes), try tx.update(.callLegProfiles, id: "no-such-id", ["txAudioMute": .bool(true)]))
        }
        #expect(updated.0 && !updated.1)
        object = try #require(try store.read { try $0.get(.callLegProfiles, id: id) })
        #expect(object["defaultLayout"] == nil)
        #expect(object["txAudioMute"] == .bool(false))
        let profileID = try store.write { try $0.insert(.callProfiles, ["participantLimit": .integer(12)]) }
        #expect(try store.read { try $0.get(.callProfiles, id: profileID)?["participantLimit"] } == .integer(12))
        #expect(try store.write { try $0.delete(.callLegProfiles, id: id) })
        #expect(try !store.write { try $0.delete(.callLegProfiles, id: id) })
        #expect(try store.read { try $0.get(.callLegProfiles, id: id) } == nil)
    }

    @Test func unknownColumnsAreRefused() throws {
        let store = try ConfigStore(path: ":memory:")
        #expect(throws: StoreError.self) { try store.write { try $0.insert(.coSpaces, ["name; DROP TABLE coSpaces": .text("x")]) } }
        #expect(try store.read { try $0.list(.coSpaces).total } == 0)
    }

    @Test func aFailedTransactionStoresNothing() throws {
        let store = try ConfigStore(path: ":memory:")
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try store.write { tx in
                try tx.insert(.coSpaces, ["uri": .text("1000"), "name": .text("one")])
                try tx.setSetting("seeded", "yes")
                throw Abort()
            }
        }
        #expect(try store.read { try $0.list(.coSpaces).total } == 0)
        #expect(try store.read { try $0.setting("seeded") } == nil)
    }

    @Test func listsPageAndFilterInCreationOrder() throws {
        let store = try ConfigStore(path: ":memory:")
        try store.write { tx in
            for i in 0..<25 { try tx.insert(.coSpaces, ["uri": .text("\(3000 + i)"), "name": .text(i % 5 == 0 ? "Board \(i)" : "Team \(i)")]) }
        }
        let all = try store.read { try $0.list(.coSpaces) }
        #expect(all.total == 25)
        #expect(all.objects.map { $0["uri"]?.text } == (0..<25).map { "\(3000 + $0)" })
        let page = try store.read { try $0.list(.coSpaces, offset: 10, limit: 5) }
        #expect(page.total == 25 && page.objects.map { $0["uri"]?.text } == ["3010", "3011", "3012", "3013", "3014"])
        let boards = try store.read { try $0.list(.coSpaces, filter: "bOaRd") }
        #expect(boards.total == 5 && boards.objects.allSatisfy { $0["name"]?.text?.hasPrefix("Board") == true })
        // LIKE wildcards in a filter are literal characters.
        #expect(try store.read { try $0.list(.coSpaces, filter: "%") }.total == 0)
        #expect(try store.read { try $0.list(.coSpaces, filter: "_") }.total == 0)
    }

    @Test func storeSurvivesReopening() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let store = try ConfigStore(path: path)
            try store.write { tx in
                try tx.insert(.inboundDialPlanRules, ["domain": .text("example.com"), "priority": .integer(5)])
                try tx.setSetting("webadmin.port", "9443")
                try tx.setUser(name: "ops", role: "admin", passwordHash: PasswordHash.make("correct horse", rounds: 1000))
            }
        }
        let reopened = try ConfigStore(path: path)
        #expect(try reopened.appliedMigrations() == ["v1-configuration"])
        #expect(try reopened.read { try $0.list(.inboundDialPlanRules).objects.first?["domain"] } == .text("example.com"))
        #expect(try reopened.read { try $0.setting("webadmin.port") } == "9443")
        #expect(try reopened.read { try $0.users().map(\.name) } == ["ops"])
    }

    @Test func usersAddReplaceDelete() throws {
        let store = try ConfigStore(path: ":memory:")
        try store.write { tx in
            try tx.setUser(name: "alice", role: "admin", passwordHash: "h1")
            try tx.setUser(name: "bob", role: "admin", passwordHash: "h2")
            try tx.setUser(name: "alice", role: "admin", passwordHash: "h3")
        }
        #expect(try store.read { try $0.users().map(\.name) } == ["alice", "bob"])
        #expect(try store.read { try $0.passwordHash(user: "alice") } == "h3")
        #expect(try store.write { try $0.deleteUser(name: "bob") })
        #expect(try !store.write { try $0.deleteUser(name: "bob") })
        #expect(try store.read { try $0.passwordHash(user: "bob") } == nil)
    }
}

@Suite("Admin password hashes (PBKDF2-HMAC-SHA256)")
struct PasswordHashTests {
    @Test func verifiesOnlyTheRightPasswordAndSaltsEachHash() {
        let a = PasswordHash.make("s3cret-pass", rounds: 2000)
        let b = PasswordHash.make("s3cret-pass", rounds: 2000)
        #expect(a != b, "a fresh salt per hash")
        #expect(a.hasPrefix("pbkdf2-sha256$2000$"))
        #expect(PasswordHash.verify("s3cret-pass", against: a))
        #expect(PasswordHash.verify("s3cret-pass", against: b))
        #expect(!PasswordHash.verify("s3cret-pasS", against: a))
        #expect(!PasswordHash.verify("", against: a))
        #expect(PasswordHash.verify("", against: PasswordHash.make("", rounds: 10)), "the empty password hashes too")
    }

    @Test func theDefaultIsSlow() {
        #expect(PasswordHash.defaultRounds >= 210_000)
        #expect(PasswordHash.make("x").hasPrefix("pbkdf2-sha256$\(PasswordHash.defaultRounds)$"))
    }

    @Test func knownVector() {
        // RFC 7914 §11 PBKDF2-HMAC-SHA256 test vector: P="passwd", S="salt", c=1, dkLen=64
        // starts 55 ac 04 6e 56 e3 08 9f.
        let stored = "pbkdf2-sha256$1$\(Data("salt".utf8).base64EncodedString())$\(Data([0x55, 0xac, 0x04, 0x6e, 0x56, 0xe3, 0x08, 0x9f]).base64EncodedString())"
        #expect(PasswordHash.verify("passwd", against: stored))
    }

    @Test("malformed stored hashes never verify", arguments: [
        "", "plain", "pbkdf2-sha256$x$AAAA$AAAA", "pbkdf2-sha256$0$AAAA$AAAA", "md5$1$AAAA$AAAA",
        "pbkdf2-sha256$1$!!!$AAAA", "pbkdf2-sha256$1$AAAA$", "pbkdf2-sha256$99999999999$AAAA$AAAA",
    ])
    func malformed(stored: String) {
        #expect(!PasswordHash.verify("anything", against: stored))
    }

    @Test func randomPasswordsAreLongAndDiffer() {
        let a = PasswordHash.randomPassword(), b = PasswordHash.randomPassword()
        #expect(a.count == 16 && b.count == 16 && a != b)
    }
}

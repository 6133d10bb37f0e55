import Foundation
import GRDB

/// The bridge's configuration, in one SQLite file (`callbridge.sqlite` in the data directory)
/// through GRDB. The schema is plain SQL with portable types (TEXT ids holding UUIDs, INTEGER,
/// BOOLEAN, no rowid reliance) so that a clustered deployment can keep the same tables in
/// PostgreSQL. Every change happens in one transaction: a request that fails validation half
/// way stores nothing.
public final class ConfigStore: Sendable {
    private let database: DatabaseQueue
    public let path: String

    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    /// `":memory:"` opens a private in-memory store (tests).
    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        database = path == ":memory:" ? try DatabaseQueue(configuration: configuration)
                                      : try DatabaseQueue(path: path, configuration: configuration)
        try StoreSchema.migrator.migrate(database)
        // Password hashes live here: readable by the bridge's user only.
        if path != ":memory:" { chmod(path, 0o600) }
    }

    /// The migrations this store has applied, oldest first.
    public func appliedMigrations() throws -> [String] {
        try database.read { db in try StoreSchema.migrator.appliedMigrations(db) }
    }

    /// Runs `body` in one write transaction; a thrown error rolls everything back.
    public func write<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try database.write { db in try body(StoreTransaction(db)) }
    }

    public func read<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try database.read { db in try body(StoreTransaction(db)) }
    }
}

/// A value in a configuration column. Absent (SQL NULL) is `nil` in `ConfigObject.values`.
public enum StoreValue: Sendable, Equatable, CustomStringConvertible {
    case text(String)
    case integer(Int)
    case bool(Bool)

    public var description: String {
        switch self {
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        }
    }

    public var text: String? { if case .text(let s) = self { return s }; return nil }
    public var integer: Int? { if case .integer(let i) = self { return i }; return nil }
    public var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
}

/// One stored object (a row of a `ConfigTable`): its id and the columns that are set.
public struct ConfigObject: Sendable, Equatable {
    public var id: String
    public var values: [String: StoreValue]

    public init(id: String, values: [String: StoreValue]) {
        self.id = id
        self.values = values
    }

    public subscript(column: String) -> StoreValue? { values[column] }
}

/// The configuration tables the API exposes, with their columns and types (what the schema's
/// latest migration created; `StoreTests` checks the two agree).
public enum ConfigTable: String, Sendable, CaseIterable {
    case coSpaces, callLegProfiles, callProfiles, inboundDialPlanRules

    public enum ColumnType: Sendable { case text, integer, bool }

    public var columns: [(name: String, type: ColumnType)] {
        switch self {
        case .coSpaces:
            return [("name", .text), ("uri", .text), ("secondaryUri", .text), ("callId", .text), ("passcode", .text),
                    ("defaultLayout", .text), ("callLegProfile", .text), ("callProfile", .text)]
        case .callLegProfiles:
            return [("defaultLayout", .text), ("qualityMain", .text), ("changeLayoutAllowed", .bool),
                    ("participantLabels", .bool), ("rxAudioMute", .bool), ("txAudioMute", .bool),
                    ("rxVideoMute", .bool), ("txVideoMute", .bool), ("sipMediaEncryption", .text)]
        case .callProfiles:
            return [("participantLimit", .integer)]
        case .inboundDialPlanRules:
            return [("domain", .text), ("priority", .integer), ("resolveToCoSpaces", .bool)]
        }
    }

    /// Columns a list `filter` matches (case-insensitive substring), as CMS filters do.
    public var filterColumns: [String] {
        switch self {
        case .coSpaces: return ["name", "uri", "secondaryUri", "callId"]
        case .inboundDialPlanRules: return ["domain"]
        case .callLegProfiles, .callProfiles: return []
        }
    }

    func type(of column: String) -> ColumnType? { columns.first { $0.name == column }?.type }
}

public struct StoreError: Error, CustomStringConvertible, Sendable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// The operations available inside one `ConfigStore` transaction.
public struct StoreTransaction {
    let db: Database

    init(_ db: Database) { self.db = db }

    private func checked(_ table: ConfigTable, _ columns: some Sequence<String>) throws {
        for column in columns where table.type(of: column) == nil {
            throw StoreError("\(table.rawValue) has no column '\(column)'")
        }
    }

    private func object(_ table: ConfigTable, _ row: Row) -> ConfigObject {
        var values: [String: StoreValue] = [:]
        for (name, type) in table.columns {
            // Typed subscripts (nil for NULL). Swift 6.3.1's release optimizer crashes on a
            // switch over a borrowed DatabaseValue here (CopyPropagation ownership error).
            switch type {
            case .text: if let text: String = row[name] { values[name] = .text(text) }
            case .integer: if let number: Int = row[name] { values[name] = .integer(number) }
            case .bool: if let flag: Bool = row[name] { values[name] = .bool(flag) }
            }
        }
        return ConfigObject(id: row["id"], values: values)
    }

    private func databaseValue(_ value: StoreValue?) -> DatabaseValue {
        switch value {
        case nil: return .null
        case .text(let s)?: return s.databaseValue
        case .integer(let i)?: return i.databaseValue
        case .bool(let b)?: return b.databaseValue
        }
    }

    /// Objects in creation order; `filter` is a case-insensitive substring of any filter column.
    public func list(_ table: ConfigTable, filter: String? = nil, offset: Int = 0, limit: Int? = nil)
        throws -> (total: Int, objects: [ConfigObject]) {
        var whereClause = ""
        var arguments: [DatabaseValueConvertible?] = []
        if let filter, !filter.isEmpty, !table.filterColumns.isEmpty {
            let escaped = filter.lowercased().replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
            whereClause = " WHERE " + table.filterColumns.map { "LOWER(\($0)) LIKE ? ESCAPE '\\'" }.joined(separator: " OR ")
            arguments = table.filterColumns.map { _ in "%\(escaped)%" }
        }
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.rawValue)\(whereClause)",
                                     arguments: StatementArguments(arguments)) ?? 0
        let rows = try Row.fetchAll(
            db, sql: "SELECT * FROM \(table.rawValue)\(whereClause) ORDER BY position LIMIT ? OFFSET ?",
            arguments: StatementArguments(arguments + [limit ?? Int(Int32.max), max(0, offset)]))
        return (total, rows.map { object(table, $0) })
    }

    public func get(_ table: ConfigTable, id: String) throws -> ConfigObject? {
        try Row.fetchOne(db, sql: "SELECT * FROM \(table.rawValue) WHERE id = ?", arguments: [id]).map { object(table, $0) }
    }

    /// Inserts a new object and returns its id (a new lowercase UUID unless `id` is given).
    @discardableResult
    public func insert(_ table: ConfigTable, _ values: [String: StoreValue], id: String? = nil) throws -> String {
        try checked(table, values.keys)
        let id = id ?? UUID().uuidString.lowercased()
        let columns = values.keys.sorted()
        let position = (try Int.fetchOne(db, sql: "SELECT MAX(position) FROM \(table.rawValue)") ?? 0) + 1
        let names = (["id", "position"] + columns).joined(separator: ", ")
        let marks = Array(repeating: "?", count: columns.count + 2).joined(separator: ", ")
        let arguments: [DatabaseValueConvertible?] = [id, position] + columns.map { databaseValue(values[$0]) }
        try db.execute(sql: "INSERT INTO \(table.rawValue) (\(names)) VALUES (\(marks))", arguments: StatementArguments(arguments))
        return id
    }

    /// Sets the given columns (`nil` clears one); false when no such object.
    @discardableResult
    public func update(_ table: ConfigTable, id: String, _ changes: [String: StoreValue?]) throws -> Bool {
        try checked(table, changes.keys)
        guard try get(table, id: id) != nil else { return false }
        guard !changes.isEmpty else { return true }
        let columns = changes.keys.sorted()
        let assignments = columns.map { "\($0) = ?" }.joined(separator: ", ")
        let arguments: [DatabaseValueConvertible?] = columns.map { databaseValue(changes[$0] ?? nil) } + [id]
        try db.execute(sql: "UPDATE \(table.rawValue) SET \(assignments) WHERE id = ?", arguments: StatementArguments(arguments))
        return true
    }

    @discardableResult
    public func delete(_ table: ConfigTable, id: String) throws -> Bool {
        try db.execute(sql: "DELETE FROM \(table.rawValue) WHERE id = ?", arguments: [id])
        return db.changesCount > 0
    }

    /// The columns SQLite reports for `table` besides id and position (schema checks).
    public func schemaColumns(_ table: ConfigTable) throws -> [String] {
        try Row.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?) ORDER BY cid", arguments: [table.rawValue])
            .map { $0["name"] as String }.filter { $0 != "id" && $0 != "position" }
    }

    // MARK: Settings

    public func setting(_ key: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [key])
    }

    public func setSetting(_ key: String, _ value: String?) throws {
        if let value {
            try db.execute(sql: "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [key, value])
        } else {
            try db.execute(sql: "DELETE FROM settings WHERE key = ?", arguments: [key])
        }
    }

    // MARK: Admin users

    public func users() throws -> [AdminUser] {
        try Row.fetchAll(db, sql: "SELECT name, role, passwordChangedAt FROM adminUsers ORDER BY name").map {
            AdminUser(name: $0["name"], role: $0["role"], passwordChangedAt: Date(timeIntervalSince1970: $0["passwordChangedAt"]))
        }
    }

    public func passwordHash(user: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT passwordHash FROM adminUsers WHERE name = ?", arguments: [user])
    }

    /// Adds or replaces a user (a new password for an existing name replaces the old one).
    public func setUser(name: String, role: String, passwordHash: String, at date: Date = Date()) throws {
        try db.execute(sql: """
            INSERT INTO adminUsers (name, role, passwordHash, passwordChangedAt) VALUES (?, ?, ?, ?)
            ON CONFLICT(name) DO UPDATE SET role = excluded.role, passwordHash = excluded.passwordHash,
                passwordChangedAt = excluded.passwordChangedAt
            """, arguments: [name, role, passwordHash, Int(date.timeIntervalSince1970)])
    }

    @discardableResult
    public func deleteUser(name: String) throws -> Bool {
        try db.execute(sql: "DELETE FROM adminUsers WHERE name = ?", arguments: [name])
        return db.changesCount > 0
    }
}

public struct AdminUser: Sendable, Equatable {
    public var name: String
    public var role: String
    public var passwordChangedAt: Date
}

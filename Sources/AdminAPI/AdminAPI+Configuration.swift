import Control
import Foundation
import Store

/// coSpaces, callLegProfiles, callProfiles, inboundDialPlanRules: stored objects.
extension AdminAPI {
    func element(_ spec: ObjectSpec, _ object: ConfigObject) -> APIElement {
        APIElement(spec.singular, attributes: [("id", .string(object.id))],
                   children: spec.fields.compactMap { field in object[field.name].map(field.element) })
    }

    func list(_ spec: ObjectSpec, _ request: APIRequest) throws -> APIResponse {
        let (page, _) = try self.page(request)
        let (total, objects) = try store.read { try $0.list(spec.table, filter: page.filter, offset: page.offset, limit: page.limit) }
        return render(APIElement(spec.plural, attributes: [("total", .integer(total))],
                                 children: objects.map { element(spec, $0) }, itemName: spec.singular), request)
    }

    func get(_ spec: ObjectSpec, id: String, _ request: APIRequest) throws -> APIResponse {
        _ = try parameters(request, allowed: [])
        guard let object = try store.read({ try $0.get(spec.table, id: id) }) else {
            throw APIFailure.named(spec.doesNotExist, status: 404, "no \(spec.singular) with id '\(id.prefix(100))'")
        }
        return render(element(spec, object), request)
    }

    /// Parsed and type-checked changes: a value, or nil to clear the field.
    func changes(_ spec: ObjectSpec, _ request: APIRequest) throws(APIFailure) -> [String: StoreValue?] {
        let parameters = try self.parameters(request, allowed: Set(spec.fields.map(\.name)))
        var changes: [String: StoreValue?] = [:]
        for field in spec.fields {
            guard let text = parameters[field.name] else { continue }
            changes[field.name] = .some(try field.parse(text))
        }
        return changes
    }

    /// Checks that hold across objects: references exist, space URIs stay unique.
    func validate(_ spec: ObjectSpec, id: String?, merged: [String: StoreValue], _ tx: StoreTransaction) throws {
        for field in spec.fields {
            guard case .reference(let table) = field.kind, let target = merged[field.name]?.text else { continue }
            if try tx.get(table, id: target) == nil {
                let singular = ObjectSpec.all.first { $0.table == table }?.singular ?? field.name
                throw APIFailure.named("\(singular)DoesNotExist", "\(field.name) '\(target.prefix(100))' does not exist")
            }
        }
        guard spec.table == .coSpaces else { return }
        // Every uri, secondaryUri and callId reaches one space only.
        let mine = ["uri", "secondaryUri", "callId"].compactMap { name in merged[name]?.text.map { (name, $0) } }
        func same(_ a: String, _ b: String) -> Bool { a.caseInsensitiveCompare(b) == .orderedSame }
        for (index, (name, value)) in mine.enumerated() where mine[..<index].contains(where: { same($0.1, value) }) {
            throw APIFailure.parameter(name, "duplicateValue", "'\(value)' is used twice by this space")
        }
        // Compared in Swift, as `SpaceDirectory.resolve` compares (SQLite's LOWER folds ASCII only).
        let others = try tx.list(.coSpaces).objects.filter { $0.id != id }
        for (name, value) in mine {
            for other in others {
                let taken = ["uri", "secondaryUri", "callId"].compactMap { other[$0]?.text }
                guard taken.contains(where: { same($0, value) }) else { continue }
                // 409: the request is valid but conflicts with the stored state.
                throw APIFailure.named(name == "callId" ? "duplicateCoSpaceId" : "duplicateCoSpaceUri", status: 409,
                                       "\(name) '\(value)' already reaches coSpace \(other.id)")
            }
        }
    }

    func create(_ spec: ObjectSpec, _ request: APIRequest) throws -> APIResponse {
        let changes = try self.changes(spec, request)
        for field in spec.fields where field.requiredOnCreate && (changes[field.name] ?? nil) == nil {
            throw APIFailure.parameter(field.name, "parameterMissing", "\(field.name) is required")
        }
        var values = changes.compactMapValues { $0 }
        if spec.table == .coSpaces, values["name"] == nil, let uri = values["uri"] { values["name"] = uri }
        let id = try store.write { tx in
            try validate(spec, id: nil, merged: values, tx)
            return try tx.insert(spec.table, values)
        }
        try reload()
        return ok(request, location: "\(Self.prefix)/\(spec.plural)/\(id)")
    }

    func update(_ spec: ObjectSpec, id: String, _ request: APIRequest) throws -> APIResponse {
        let changes = try self.changes(spec, request)
        try store.write { tx in
            guard let existing = try tx.get(spec.table, id: id) else {
                throw APIFailure.named(spec.doesNotExist, status: 404, "no \(spec.singular) with id '\(id.prefix(100))'")
            }
            var merged = existing.values
            for (key, value) in changes { merged[key] = value }
            try validate(spec, id: id, merged: merged, tx)
            try tx.update(spec.table, id: id, changes)
        }
        try reload()
        return ok(request)
    }

    func delete(_ spec: ObjectSpec, id: String, _ request: APIRequest) throws -> APIResponse {
        _ = try parameters(request, allowed: [])
        guard try store.write({ try $0.delete(spec.table, id: id) }) else {
            throw APIFailure.named(spec.doesNotExist, status: 404, "no \(spec.singular) with id '\(id.prefix(100))'")
        }
        try reload()
        return ok(request)
    }

    /// Pushes the store into the live dial plan (and live legs' default layouts). The load
    /// limit is read at start-up (`serve`) and set by its own PUT, not here, so an explicit
    /// `--load-limit` holds until an operator changes it through the API.
    public func reload() throws {
        try ConfigurationLoader.apply(store, to: directory, controller: controller)
    }
}

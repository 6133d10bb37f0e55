import Foundation

/// The OpenAPI 3.0 description of `/api/v1`, generated from the same field tables that parse
/// requests (so it cannot drift from the code). A copy is kept at `docs/api/openapi.json`;
/// `AdminAPITests` fails when the copy is stale (`callbridge admin openapi` rewrites it).
public enum OpenAPIDocument {
    public static let json: String = {
        let data = try! JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }()

    /// Strings we accept: no control characters.
    static let printable = "^[^\\u0000-\\u001F\\u007F]*$"

    static func schema(_ field: FieldSpec) -> [String: Any] {
        var schema: [String: Any]
        switch field.kind {
        case .string(let maximum):
            schema = ["type": "string", "maxLength": maximum, "pattern": printable]
        case .sipURI(let maximum):
            schema = ["type": "string", "maxLength": maximum, "pattern": "^[sS][iI][pP][sS]?:[^\\u0000-\\u0020\\u007F]+$"]
        case .digits(let maximum):
            schema = ["type": "string", "maxLength": maximum, "pattern": "^[0-9]*$"]
        case .bool:
            schema = ["type": "boolean"]
        case .integer(let range):
            schema = ["type": "integer", "minimum": range.lowerBound, "maximum": range.upperBound]
        case .choice(let choices):
            schema = ["type": "string", "enum": choices]
        case .reference:
            schema = ["type": "string", "maxLength": 100, "pattern": printable]
        }
        if !field.clearable {
            if case .string = field.kind { schema["minLength"] = 1 }
            schema["description"] = field.summary
            return schema
        }
        // An empty value clears an optional field (CMS behaviour).
        return ["anyOf": [schema, ["type": "string", "enum": [""]]], "description": field.summary + " Empty clears it."]
    }

    static func form(_ fields: [FieldSpec], create: Bool) -> [String: Any] {
        var schema: [String: Any] = [
            "type": "object", "additionalProperties": false,
            "properties": Dictionary(uniqueKeysWithValues: fields.map { ($0.name, Self.schema($0)) }),
        ]
        let required = fields.filter(\.requiredOnCreate).map(\.name)
        if create && !required.isEmpty { schema["required"] = required }
        return ["required": create && !required.isEmpty,
                "content": ["application/x-www-form-urlencoded": ["schema": schema]]]
    }

    static var body: [String: Any] { [
        "application/xml": ["schema": ["type": "string"]],
        "application/json": ["schema": ["type": "object"]],
    ] }

    static func responses(_ success: String, _ codes: [Int], location: Bool = false) -> [String: Any] {
        var out: [String: Any] = [:]
        var ok: [String: Any] = ["description": success]
        if location {
            ok["headers"] = ["Location": ["description": "Path of the new object", "schema": ["type": "string"]]]
        } else {
            ok["content"] = body
        }
        out["200"] = ok
        let reasons = [400: "Bad request: failureDetails names the parameter and the problem",
                       401: "No or wrong credentials", 404: "No such object", 409: "Conflicts with another object (a URI already in use)",
                       405: "Method not allowed here", 415: "Parameters must be form-encoded",
                       429: "Too many wrong passwords this second (Retry-After: 1)", 502: "The called party could not be reached", 503: "Dial-out is unavailable"]
        // Every authenticated operation may answer 429 while password guessing is throttled.
        for code in codes + (codes.contains(401) ? [429] : []) { out[String(code)] = ["description": reasons[code] ?? "", "content": body] }
        return out
    }

    static var listParameters: [[String: Any]] { [
        ["name": "offset", "in": "query", "schema": ["type": "integer", "minimum": 0, "maximum": AdminAPI.largestPageValue],
         "description": "Skip this many objects."],
        ["name": "limit", "in": "query", "schema": ["type": "integer", "minimum": 0, "maximum": AdminAPI.largestPageValue],
         "description": "Return at most this many."],
        ["name": "filter", "in": "query", "schema": ["type": "string", "maxLength": 200, "pattern": printable],
         "description": "Case-insensitive substring of the objects' names or URIs."],
    ] }

    static func idParameter(_ description: String) -> [[String: Any]] {
        [["name": "id", "in": "path", "required": true, "schema": ["type": "string", "minLength": 1, "maxLength": 100,
                                                                    "pattern": "^[A-Za-z0-9-]+$"], "description": description]]
    }

    static var document: [String: Any] {
        var paths: [String: Any] = [:]
        for spec in ObjectSpec.all {
            paths["/\(spec.plural)"] = [
                "get": ["summary": "List \(spec.plural)", "operationId": "list_\(spec.plural)", "parameters": listParameters,
                        "responses": responses("`<\(spec.plural) total=\"N\">` of `<\(spec.singular) id=\"…\">`", [400, 401])],
                "post": ["summary": "Create a \(spec.singular)", "operationId": "create_\(spec.singular)",
                         "requestBody": form(spec.fields, create: true),
                         "responses": responses("Created; Location names it", [400, 401, 409, 415], location: true)],
            ]
            paths["/\(spec.plural)/{id}"] = [
                "parameters": idParameter("The \(spec.singular)'s id"),
                "get": ["summary": "Read a \(spec.singular)", "operationId": "get_\(spec.singular)",
                        "responses": responses("The \(spec.singular)", [401, 404])],
                "put": ["summary": "Change a \(spec.singular) (an empty value clears a field)", "operationId": "update_\(spec.singular)",
                        "requestBody": form(spec.fields, create: false), "responses": responses("Changed", [400, 401, 404, 409, 415], location: true)],
                "delete": ["summary": "Delete a \(spec.singular)", "operationId": "delete_\(spec.singular)",
                           "responses": responses("Deleted", [401, 404], location: true)],
            ]
        }
        paths["/calls"] = ["get": ["summary": "Active calls (one per space with participants)", "operationId": "list_calls",
                                   "parameters": listParameters, "responses": responses("`<calls>`", [400, 401])]]
        paths["/calls/{id}"] = [
            "parameters": idParameter("The call's id"),
            "get": ["summary": "An active call", "operationId": "get_call", "responses": responses("`<call>`", [401, 404])],
            "delete": ["summary": "End a call (BYE to every leg)", "operationId": "delete_call",
                       "responses": responses("Ended", [401, 404], location: true)],
        ]
        paths["/calls/{id}/callLegs"] = [
            "parameters": idParameter("The call's id"),
            "get": ["summary": "The call's legs", "operationId": "list_call_callLegs", "parameters": listParameters,
                    "responses": responses("`<callLegs>`", [400, 401, 404])],
            "post": ["summary": "Dial out to a SIP URI into the call", "operationId": "dial_out",
                     "requestBody": form([AdminAPI.remoteField], create: true),
                     "responses": responses("Answered; Location names the new leg", [400, 401, 404, 415, 502, 503], location: true)],
        ]
        paths["/callLegs"] = ["get": ["summary": "Every live call leg", "operationId": "list_callLegs",
                                      "parameters": listParameters, "responses": responses("`<callLegs>`", [400, 401])]]
        paths["/callLegs/{id}"] = [
            "parameters": idParameter("The leg's id"),
            "get": ["summary": "A leg with its configuration and media statistics", "operationId": "get_callLeg",
                    "responses": responses("`<callLeg>`", [401, 404])],
            "put": ["summary": "Change a live leg (layout within one frame, mutes)", "operationId": "update_callLeg",
                    "requestBody": form(AdminAPI.legFields, create: false), "responses": responses("Changed", [400, 401, 404, 415], location: true)],
            "delete": ["summary": "Hang up the leg (BYE)", "operationId": "delete_callLeg",
                       "responses": responses("Hung up", [401, 404], location: true)],
        ]
        paths["/callLegs/{id}/generateKeyframe"] = [
            "parameters": idParameter("The leg's id"),
            "post": ["summary": "Send the leg an IDR picture", "operationId": "generate_keyframe",
                     "responses": responses("Requested", [401, 404], location: true)],
        ]
        paths["/participants"] = ["get": ["summary": "Participants (one per leg)", "operationId": "list_participants",
                                          "parameters": listParameters, "responses": responses("`<participants>`", [400, 401])]]
        paths["/participants/{id}"] = ["parameters": idParameter("The participant's id"),
                                       "get": ["summary": "A participant", "operationId": "get_participant",
                                               "responses": responses("`<participant>`", [401, 404])]]
        for (path, summary) in [("status", "Version, uptime and leg counts"), ("load", "mediaProcessingLoad and per-worker load"),
                                ("alarms", "Active alarms")] {
            var get: [String: Any] = ["summary": summary, "operationId": "system_\(path)",
                                      "responses": responses("`<\(path)>`", path == "alarms" ? [400, 401] : [401])]
            if path == "alarms" { get["parameters"] = listParameters }
            paths["/system/\(path)"] = ["get": get]
        }
        paths["/system/configuration/cluster"] = [
            "get": ["summary": "Load limit and leg limit", "operationId": "get_cluster", "responses": responses("`<cluster>`", [401])],
            "put": ["summary": "Change the load limit (takes effect for the next call)", "operationId": "update_cluster",
                    "requestBody": form(AdminAPI.clusterFields, create: false),
                    "responses": responses("Changed", [400, 401, 415], location: true)],
        ]
        return [
            "openapi": "3.0.3",
            "info": ["title": "callbridge REST API", "version": "1",
                     "description": "Compatible with Cisco Meeting Server's /api/v1: form-encoded requests, XML responses (JSON with Accept: application/json)."],
            "servers": [["url": "/api/v1"]],
            "security": [["basicAuth": [String]()]],
            "components": ["securitySchemes": ["basicAuth": ["type": "http", "scheme": "basic"]]],
            "paths": paths,
        ]
    }
}

/// Upcasters between versions of a type's `data` shape: `(type, fromVersion) → payload of fromVersion + 1`.
///
/// Stored events are never rewritten; a reader that knows a newer shape upcasts what it reads:
///
/// ```swift
/// var registry = UpcasterRegistry()
/// registry.register(.careerTrialCompleted, from: 1) { data in
///     var data = data
///     if case .number(let hours)? = data.removeValue(forKey: "hours") { data["minutes"] = .number(hours * 60) }
///     return data
/// }
/// let current = try registry.upcast(event)   // version 2, `minutes` instead of `hours`
/// ```
///
/// Every type of the public catalog is at version 1 (``EventType/currentSchemaVersion``), so the catalog's
/// registry, ``catalog``, is empty.
public struct UpcasterRegistry: Sendable {
    /// Turns the `data` of one version into the `data` of the next.
    public typealias Upcaster = @Sendable ([String: JSONValue]) throws -> [String: JSONValue]

    private struct Key: Hashable {
        let type: EventType
        let version: Int
    }

    private var upcasters: [Key: Upcaster] = [:]

    /// The registry of the public catalog: no upcasters.
    public static let catalog = UpcasterRegistry()

    public init() {}

    /// Registers the step from `version` to `version + 1` of `type`; replaces an earlier registration.
    public mutating func register(_ type: EventType, from version: Int, _ upcaster: @escaping Upcaster) {
        upcasters[Key(type: type, version: version)] = upcaster
    }

    /// The newest version reachable from the type's catalog version.
    public func latestVersion(of type: EventType) -> Int {
        var version = type.currentSchemaVersion
        while upcasters[Key(type: type, version: version)] != nil { version += 1 }
        return version
    }

    /// Applies the steps from `version` up to the latest version of `type`.
    public func upcast(_ data: [String: JSONValue], of type: EventType, from version: Int) throws -> VersionedData {
        var data = data
        var version = version
        while let step = upcasters[Key(type: type, version: version)] {
            data = try step(data)
            version += 1
        }
        return VersionedData(type: type, version: version, data: data)
    }

    /// The data of `event` in the latest version of its type.
    public func upcast(_ event: Event) throws -> VersionedData {
        try upcast(event.data.jsonObject, of: event.type, from: event.schema)
    }
}

/// An event's `data` in a given version of its type's shape.
public struct VersionedData: Sendable, Hashable {
    public let type: EventType
    public let version: Int
    public let data: [String: JSONValue]
}

/// Gives each distinct string a dense integer, so folds keep flat arrays of numbers instead of string keys.
public struct Interner: Sendable {
    public private(set) var strings: [String] = []
    private var ids: [String: Int32] = [:]

    public init() {}

    public init(strings: [String]) {
        self.strings = strings
        ids.reserveCapacity(strings.count)
        for (index, string) in strings.enumerated() { ids[string] = Int32(index) }
    }

    public var count: Int { strings.count }

    /// The string's id, assigning the next one if it is new.
    @inline(__always)
    public mutating func intern(_ string: String) -> Int32 {
        if let id = ids[string] { return id }
        let id = Int32(strings.count)
        strings.append(string)
        ids[string] = id
        return id
    }

    /// The id of a string seen before, nil if never seen.
    public func id(of string: String) -> Int32? { ids[string] }

    public subscript(id: Int32) -> String { strings[Int(id)] }
}

extension SnapshotWriter {
    public mutating func interner(_ interner: Interner) { strings(interner.strings) }
}

extension SnapshotReader {
    public mutating func interner() throws(ProjectionError) -> Interner { Interner(strings: try strings()) }
}

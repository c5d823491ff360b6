/// The one error type of the log: a matchable code, a message, and where it happened.
///
/// ```swift
/// do { try log.append(drafts) } catch let error as LogError where error.code == .versionConflict { … }
/// ```
public struct LogError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Hashable, Sendable {
            case io, locked, corrupt, versionConflict, idConflict, invalidArgument, notFound, badFormat
            case signature
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A system call failed (open, write, fsync, mmap…).
        public static let io = Code(.io)
        /// Another process holds the writer lock.
        public static let locked = Code(.locked)
        /// A batch fails its CRC, its hash chain, or its structure.
        public static let corrupt = Code(.corrupt)
        /// An append named a stream version that is not the stream's current one.
        public static let versionConflict = Code(.versionConflict)
        /// An event id already stored with other content.
        public static let idConflict = Code(.idConflict)
        /// The caller passed something the log cannot store.
        public static let invalidArgument = Code(.invalidArgument)
        /// No store, position, or checkpoint where one was expected.
        public static let notFound = Code(.notFound)
        /// A file of the store has a format this version cannot read.
        public static let badFormat = Code(.badFormat)
        /// A checkpoint's signature or head hash does not match.
        public static let signature = Code(.signature)

        public var description: String { value.rawValue }
    }

    public var code: Code
    public var message: String
    /// The file the error concerns, when there is one.
    public var path: String?
    /// The byte offset in `path` where the problem was found.
    public var offset: Int?
    /// The log position concerned, when known.
    public var position: UInt64?

    public init(_ code: Code, _ message: String, path: String? = nil, offset: Int? = nil, position: UInt64? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.offset = offset
        self.position = position
    }

    public var description: String {
        var location: [String] = []
        if let path { location.append(path) }
        if let offset { location.append("byte \(offset)") }
        if let position { location.append("position \(position)") }
        return location.isEmpty ? message : "\(location.joined(separator: ", ")): \(message)"
    }
}

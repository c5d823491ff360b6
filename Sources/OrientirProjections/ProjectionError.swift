/// The one error type of the projections layer, with a code to match on.
public struct ProjectionError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// A stored record is not an event (a rebuild stops rather than skip it).
        case undecodable
        /// A snapshot file is damaged or of another format.
        case badSnapshot
        /// Reading or writing a snapshot file failed.
        case io
        /// The log could not be read.
        case log
        /// No projection of that name.
        case unknownProjection
    }

    public let code: Code
    public let message: String
    public let path: String?
    public let position: UInt64?

    public init(_ code: Code, _ message: String, path: String? = nil, position: UInt64? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.position = position
    }

    public var description: String {
        var text = message
        if let path { text += " (\(path))" }
        if let position { text += " at position \(position)" }
        return text
    }
}

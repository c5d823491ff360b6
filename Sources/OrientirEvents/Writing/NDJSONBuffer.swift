/// NDJSON text built in place in one growing block of memory, to be written out in large blocks: events go in
/// straight from their binary encoding (``EncodedEvent``) or from an ``Event``, with no copy per line.
///
/// ```swift
/// var lines = NDJSONBuffer(capacity: 1 << 20)
/// try lines.append(EncodedEvent(record.payload, id: id))
/// lines.append("\n")
/// if lines.count >= 1 << 20 {
///     lines.withBytes { write($0) }
///     lines.removeAll()
/// }
/// ```
public struct NDJSONBuffer: ~Copyable {
    private var storage: ByteBuffer

    /// An empty buffer with room for `capacity` bytes; it grows as needed.
    public init(capacity: Int) {
        storage = ByteBuffer(heapCapacity: capacity)
    }

    deinit {
        storage.releaseHeap()
    }

    /// Number of bytes written.
    public var count: Int { storage.count }

    /// Runs `body` with the bytes written so far.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(storage.bytes)
    }

    public mutating func removeAll() {
        storage.truncate(to: 0)
    }

    /// Removes the last byte, e.g. the closing brace of an event before fields of the store are added.
    public mutating func removeLast() {
        precondition(storage.count > 0, "removeLast on an empty NDJSONBuffer")
        storage.truncate(to: storage.count - 1)
    }

    /// Appends the canonical NDJSON of `event` (no line terminator), rendered from its encoding. A damaged
    /// encoding throws and leaves the buffer as it was.
    public mutating func append(_ event: EncodedEvent, sealedAs readOut: SealedReadOut = .sealed)
        throws(EventCodecError)
    {
        let start = storage.count
        do {
            try event.write(into: &storage, sealedAs: readOut)
        } catch {
            storage.truncate(to: start)
            throw error
        }
    }

    /// Appends the canonical NDJSON of `event` (no line terminator).
    public mutating func append(_ event: Event, sealedAs readOut: SealedReadOut = .sealed) {
        event.write(into: &storage, sealedAs: readOut)
    }

    public mutating func append(_ literal: StaticString) {
        storage.append(literal)
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        storage.append(bytes)
    }

    /// Appends `value` in decimal.
    public mutating func appendDecimal(_ value: UInt64) {
        storage.appendDecimal(Int(value))
    }
}

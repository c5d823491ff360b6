import OrientirEvents

/// Appends a projection state as bytes: little-endian integers, length-prefixed strings and flat arrays.
///
/// Large arrays are not copied: the writer keeps them (a reference, their storage shared copy-on-write) and the
/// snapshot file is written from their own storage. A checkpoint of a few hundred megabytes thus costs no copy
/// and no fresh pages; a fold that goes on appending to an array still held pays one copy of it, as before.
public struct SnapshotWriter: Sendable {
    /// Arrays of at least this many bytes are kept by reference.
    static let borrowThreshold = 256 * 1024

    /// Small values, not yet sealed into `parts`.
    private var tail: [UInt8] = []
    private var parts: [Part] = []

    private enum Part {
        case copied([UInt8])
        case kept(any KeptArray)
    }

    /// Where each ``growing(_:)`` array of this body stands, in call order (see ``Growth``).
    public private(set) var growth: [Growth] = []
    /// For a delta: the element counts of the base snapshot's growing arrays, in call order.
    private let base: [Int]?

    public init() {
        base = nil
    }

    /// A delta on top of a snapshot of the same fold whose growing arrays had `counts` elements: each growing
    /// array is written from there on (an array shorter than its base count is written whole).
    public init(extending counts: [Int]) {
        base = counts
    }

    /// A growing array in a snapshot body: its elements `base..<count` are written in this body, from byte
    /// `offset` of it; the first `base` come from the base snapshot's array of the same rank.
    public struct Growth: Sendable, Hashable {
        public var offset: Int
        public var base: Int
        public var count: Int
    }

    /// The whole body in one array (a copy: for small snapshots and tests).
    public var bytes: [UInt8] {
        var all: [UInt8] = []
        all.reserveCapacity(count)
        forEachPart { all.append(contentsOf: $0) }
        return all
    }

    /// Bytes written so far.
    public var count: Int {
        parts.reduce(tail.count) { total, part in
            switch part {
            case .copied(let bytes): total + bytes.count
            case .kept(let array): total + array.byteCount
            }
        }
    }

    /// Calls `body` with each piece of the body, in order.
    public func forEachPart(_ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        for part in parts {
            switch part {
            case .copied(let bytes): try bytes.withUnsafeBytes(body)
            case .kept(let array): try array.withBytes(body)
            }
        }
        try tail.withUnsafeBytes(body)
    }

    /// Makes room for `count` more bytes of small values.
    public mutating func reserveCapacity(_ count: Int) { tail.reserveCapacity(tail.count + min(count, 1 << 20)) }

    public mutating func int(_ value: Int) { pod(Int64(value)) }
    public mutating func uint64(_ value: UInt64) { pod(value) }
    public mutating func int64(_ value: Int64) { pod(value) }
    public mutating func bool(_ value: Bool) { tail.append(value ? 1 : 0) }
    public mutating func double(_ value: Double) { pod(value.bitPattern) }

    public mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            int(utf8.count)
            tail.append(contentsOf: utf8)
        }
    }

    public mutating func strings(_ values: [String]) {
        int(values.count)
        for value in values { string(value) }
    }

    public mutating func eventID(_ id: EventID) {
        pod(id.high)
        pod(id.low)
    }

    /// A flat array of plain values, as their bytes.
    public mutating func array<T: BitwiseCopyable & Sendable>(_ values: [T]) {
        int(values.count)
        elements(values, from: 0)
    }

    /// The elements of `values` from index `from` on, as their bytes: a whole large array kept by reference,
    /// anything else copied.
    private mutating func elements<T: BitwiseCopyable & Sendable>(_ values: [T], from: Int) {
        if from == 0 && values.count * MemoryLayout<T>.stride >= Self.borrowThreshold {
            keep(KeptValues(values: values))
        } else {
            values.withUnsafeBytes { tail.append(contentsOf: $0[(from * MemoryLayout<T>.stride)...]) }
        }
    }

    /// An array that, between two snapshots of one fold, only grows at its end (facts in log order, an arena):
    /// in a delta (``init(extending:)``) only its new elements are written, copied, so the fold appending to it
    /// pays no copy of the whole array. Read back with ``SnapshotReader/growing(of:)``.
    public mutating func growing<T: BitwiseCopyable & Sendable>(_ values: [T]) {
        let rank = growth.count
        var from = base.map { rank < $0.count ? $0[rank] : 0 } ?? 0
        if from > values.count { from = 0 }
        int(values.count)
        int(from)
        growth.append(Growth(offset: count, base: from, count: values.count))
        elements(values, from: from)
    }

    public mutating func raw(_ values: [UInt8]) {
        int(values.count)
        if values.count >= Self.borrowThreshold {
            keep(KeptValues(values: values))
        } else {
            tail.append(contentsOf: values)
        }
    }

    private mutating func keep(_ array: any KeptArray) {
        if !tail.isEmpty {
            parts.append(.copied(tail))
            tail = []
        }
        parts.append(.kept(array))
    }

    private mutating func pod<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { tail.append(contentsOf: $0) }
    }
}

/// An array a ``SnapshotWriter`` keeps instead of copying.
private protocol KeptArray: Sendable {
    var byteCount: Int { get }
    func withBytes(_ body: (UnsafeRawBufferPointer) throws -> Void) rethrows
}

private struct KeptValues<T: BitwiseCopyable & Sendable>: KeptArray {
    let values: [T]
    var byteCount: Int { values.count * MemoryLayout<T>.stride }
    func withBytes(_ body: (UnsafeRawBufferPointer) throws -> Void) rethrows { try values.withUnsafeBytes(body) }
}

/// The bytes a ``SnapshotReader`` reads: a private copy, or a snapshot file mapped read-only. Either is released
/// with the last reader holding it.
public final class SnapshotBytes {
    let buffer: UnsafeRawBufferPointer
    private let release: (UnsafeRawBufferPointer) -> Void

    /// A copy of `bytes`.
    public convenience init(_ bytes: [UInt8]) {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        bytes.withUnsafeBytes { copy.copyMemory(from: $0) }
        self.init(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(copy)[0..<bytes.count])) { _ in
            copy.deallocate()
        }
    }

    /// `buffer`, given back through `release` when the last reader is gone.
    init(_ buffer: UnsafeRawBufferPointer, release: @escaping (UnsafeRawBufferPointer) -> Void) {
        self.buffer = buffer
        self.release = release
    }

    deinit { release(buffer) }
}

/// Reads what a ``SnapshotWriter`` wrote, checking every length against the bytes left.
public struct SnapshotReader {
    private let storage: SnapshotBytes
    /// The readable part of the storage (a file's trailing checksum is left out).
    private let bytes: UnsafeRawBufferPointer
    public private(set) var offset: Int

    public init(bytes: [UInt8], offset: Int = 0) {
        self.init(storage: SnapshotBytes(bytes), count: bytes.count, offset: offset)
    }

    /// Reads the first `count` bytes of `storage`, from `offset`.
    init(storage: SnapshotBytes, count: Int, offset: Int) {
        precondition(count >= 0 && count <= storage.buffer.count, "reader past the end of its bytes")
        self.storage = storage
        self.bytes = UnsafeRawBufferPointer(rebasing: storage.buffer[0..<count])
        self.offset = offset
        bodyStart = offset
    }

    /// Where the body starts (growth offsets count from here).
    private var bodyStart: Int
    /// The growth table of this body (nil: not read from a file; offsets are not checked) and the bodies of the
    /// snapshots below it, newest first, each with its growth table.
    private var growth: [SnapshotWriter.Growth]?
    private var bases: [Base] = []
    private var growingRead = 0

    struct Base {
        let storage: SnapshotBytes
        let bodyStart: Int
        let bodyEnd: Int
        let growth: [SnapshotWriter.Growth]
    }

    /// Marks the current offset as the body's start, with the body's growth table and its bases.
    mutating func beginBody(growth: [SnapshotWriter.Growth], bases: [Base]) {
        bodyStart = offset
        self.growth = growth
        self.bases = bases
    }

    /// What ``SnapshotWriter/growing(_:)`` wrote: the new elements from this body, the rest from the bases.
    public mutating func growing<T: BitwiseCopyable>(of type: T.Type = T.self) throws(ProjectionError) -> [T] {
        let stride = MemoryLayout<T>.stride
        let rank = growingRead
        growingRead += 1
        let count = try int()
        let from = try int()
        guard count >= 0, from >= 0, from <= count, (count - from) <= (bytes.count - offset) / max(stride, 1) else {
            throw truncated()
        }
        if let growth {
            guard rank < growth.count, growth[rank] == .init(offset: offset - bodyStart, base: from, count: count) else {
                throw ProjectionError(.badSnapshot, "growing array \(rank) disagrees with the snapshot's growth table")
            }
        } else if from > 0 {
            throw ProjectionError(.badSnapshot, "growing array \(rank) needs a base snapshot")
        }
        let own = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + (count - from) * stride])
        offset += own.count
        var pieces: [(buffer: UnsafeRawBufferPointer, at: Int)] = [(own, from)]
        // Below `from`, each base gives its own new elements, down to a full array.
        var upper = from
        var level = 0
        while upper > 0 {
            guard level < bases.count, rank < bases[level].growth.count else {
                throw ProjectionError(.badSnapshot, "growing array \(rank) misses its base snapshot")
            }
            let base = bases[level]
            let entry = base.growth[rank]
            // A base in which the array did not grow gives nothing and passes the rest on. Every number is
            // checked before it is used in arithmetic: a file's table is not trusted to be sane.
            guard entry.count == upper, entry.base >= 0, entry.base <= upper, entry.offset >= 0,
                entry.offset <= base.bodyEnd - base.bodyStart,
                entry.count - entry.base <= (base.bodyEnd - base.bodyStart - entry.offset) / max(stride, 1)
            else { throw ProjectionError(.badSnapshot, "growing array \(rank) does not continue its base") }
            let start = base.bodyStart + entry.offset
            let length = (entry.count - entry.base) * stride
            pieces.append((UnsafeRawBufferPointer(rebasing: base.storage.buffer[start..<start + length]), entry.base))
            upper = entry.base
            level += 1
        }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let target = UnsafeMutableRawBufferPointer(buffer)
            for piece in pieces where !piece.buffer.isEmpty {
                UnsafeMutableRawBufferPointer(rebasing: target[(piece.at * stride)...]).copyMemory(from: piece.buffer)
            }
            initialized = count
        }
    }

    public var isAtEnd: Bool { offset == bytes.count }

    public mutating func int() throws(ProjectionError) -> Int {
        let value = try int64()
        guard value >= Int64(Int.min) else { throw truncated() }
        return Int(value)
    }

    public mutating func uint64() throws(ProjectionError) -> UInt64 { try pod(UInt64.self) }
    public mutating func int64() throws(ProjectionError) -> Int64 { try pod(Int64.self) }
    public mutating func double() throws(ProjectionError) -> Double { Double(bitPattern: try pod(UInt64.self)) }

    public mutating func bool() throws(ProjectionError) -> Bool {
        guard offset < bytes.count else { throw truncated() }
        offset += 1
        return bytes[offset - 1] != 0
    }

    public mutating func string() throws(ProjectionError) -> String {
        let count = try length(elementSize: 1)
        let text = String(decoding: bytes[offset..<offset + count], as: UTF8.self)
        offset += count
        return text
    }

    public mutating func strings() throws(ProjectionError) -> [String] {
        let count = try int()
        guard count >= 0, count <= bytes.count - offset else { throw truncated() }
        var values: [String] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try string()) }
        return values
    }

    public mutating func eventID() throws(ProjectionError) -> EventID {
        EventID(high: try pod(UInt64.self), low: try pod(UInt64.self))
    }

    public mutating func array<T: BitwiseCopyable>(of type: T.Type = T.self) throws(ProjectionError) -> [T] {
        let count = try length(elementSize: MemoryLayout<T>.stride)
        let start = offset
        offset += count * MemoryLayout<T>.stride
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(
                from: UnsafeRawBufferPointer(rebasing: bytes[start..<start + count * MemoryLayout<T>.stride]))
            initialized = count
        }
    }

    public mutating func raw() throws(ProjectionError) -> [UInt8] {
        let count = try length(elementSize: 1)
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    private mutating func length(elementSize: Int) throws(ProjectionError) -> Int {
        let count = try int()
        guard count >= 0, count <= (bytes.count - offset) / max(elementSize, 1) else { throw truncated() }
        return count
    }

    private mutating func pod<T: FixedWidthInteger>(_ type: T.Type) throws(ProjectionError) -> T {
        let size = MemoryLayout<T>.size
        guard bytes.count - offset >= size else { throw truncated() }
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += size
        return T(littleEndian: value)
    }

    private func truncated() -> ProjectionError {
        ProjectionError(.badSnapshot, "snapshot ends early or holds an impossible length at byte \(offset)")
    }
}

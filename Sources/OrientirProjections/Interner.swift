/// Gives each distinct string a dense integer, so folds keep flat arrays of numbers instead of string keys.
///
/// Lookups hash the string's UTF-8 bytes with a fast word-at-a-time hash into an open-addressing table of ids
/// (no `Dictionary<String, …>`, no SipHash); a key may also be looked up as a prefix plus a string without building
/// the concatenation (``intern(_:_:)``).
public struct Interner: Sendable {
    /// Every string's UTF-8 bytes back to back, in id order; string `id` is `bytes[ends[id - 1]..<ends[id]]` (from 0
    /// for the first). One arena, so a lookup compares bytes without touching a `String` or its reference count.
    private var bytes: [UInt8] = []
    private var ends: [Int32] = []
    /// Open addressing, linear probing, at most half full; a power of two of 32-byte slots, four words each: the
    /// high 32 bits of the key's hash over id + 1 (0 for an empty slot), the key's length, and its first 16 bytes
    /// (zero-padded). A key of up to 16 bytes (most ids) is compared inside its slot: one memory access per lookup.
    private var table = [UInt64](repeating: 0, count: 16 * Interner.slotWords)
    private static let slotWords = 4

    public init() {}

    public init(strings: [String]) {
        grow(to: strings.count)
        for string in strings { _ = intern(string) }
        precondition(count == strings.count, "an interner's strings are distinct")
    }

    public var count: Int { ends.count }

    /// The bytes of all its strings together.
    public var byteCount: Int { bytes.count }

    /// Every string, in id order (built on each call: for output, not for folds).
    public var strings: [String] { (0..<count).map { self[Int32($0)] } }

    /// The string's id, assigning the next one if it is new.
    @inline(__always)
    public mutating func intern(_ string: String) -> Int32 {
        var utf8String = string
        return utf8String.withUTF8 { utf8 in intern(utf8: UnsafeRawBufferPointer(utf8)) }
    }

    /// The id of `prefix + string`, assigning the next one if it is new.
    @inline(__always)
    public mutating func intern(_ prefix: StaticString, _ string: String) -> Int32 {
        var string = string
        return string.withUTF8 { utf8 in intern(prefix, utf8: UnsafeRawBufferPointer(utf8)) }
    }

    /// The id of the string spelt by UTF-8 `bytes`, assigning the next one if it is new.
    @inline(__always)
    public mutating func intern(utf8 bytes: UnsafeRawBufferPointer) -> Int32 {
        let hash = Self.hash(bytes)
        let (found, slot) = find(bytes, hash: hash)
        if let found { return found }
        let id = Int32(ends.count)
        self.bytes.append(contentsOf: bytes)
        ends.append(Int32(self.bytes.count))
        Self.fill(&table, slot: slot, id: id, hash: hash, key: bytes)
        if ends.count * 2 > slotCount { grow(to: ends.count) }
        return id
    }

    /// The id of `prefix` followed by the UTF-8 `bytes`, assigning the next one if it is new.
    @inline(__always)
    public mutating func intern(_ prefix: StaticString, utf8 bytes: UnsafeRawBufferPointer) -> Int32 {
        let prefixCount = prefix.utf8CodeUnitCount
        let total = prefixCount + bytes.count
        return withUnsafeTemporaryAllocation(byteCount: total, alignment: 8) { buffer in
            buffer.baseAddress!.copyMemory(from: prefix.utf8Start, byteCount: prefixCount)
            if bytes.count > 0 {
                (buffer.baseAddress! + prefixCount).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            }
            return intern(utf8: UnsafeRawBufferPointer(buffer))
        }
    }

    /// The id of a string seen before, nil if never seen.
    public func id(of string: String) -> Int32? {
        var string = string
        return string.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            return find(bytes, hash: Self.hash(bytes)).id
        }
    }

    public subscript(id: Int32) -> String {
        let start = id == 0 ? 0 : Int(ends[Int(id) - 1])
        return String(decoding: bytes[start..<Int(ends[Int(id)])], as: UTF8.self)
    }

    // MARK: - The table

    private var slotCount: Int { table.count / Self.slotWords }

    /// The key's first 16 bytes as two little-endian words, zero-padded.
    @inline(__always)
    private static func prefixWords(_ key: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
        let count = key.count
        guard let base = key.baseAddress else { return (0, 0) }
        if count >= 16 {
            return (base.loadUnaligned(as: UInt64.self), base.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { $0.baseAddress!.copyMemory(from: base, byteCount: count) }
        return words
    }

    @inline(__always)
    private static func fill(_ table: inout [UInt64], slot: Int, id: Int32, hash: UInt64, key: UnsafeRawBufferPointer) {
        let (first, second) = prefixWords(key)
        table.withUnsafeMutableBufferPointer { table in
            let base = slot * slotWords
            table[base] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(UInt32(id) + 1)
            table[base + 1] = UInt64(key.count)
            table[base + 2] = first
            table[base + 3] = second
        }
    }

    /// The id of the bytes if present, else the empty slot where they would go.
    @inline(__always)
    private func find(_ key: UnsafeRawBufferPointer, hash: UInt64) -> (id: Int32?, slot: Int) {
        let (first, second) = Self.prefixWords(key)
        let length = UInt64(key.count)
        return table.withUnsafeBufferPointer { table in
            let mask = table.count / Self.slotWords - 1
            let tag = hash & 0xFFFF_FFFF_0000_0000
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let base = slot &* Self.slotWords
                let entry = table[base]
                if entry == 0 { return (nil, slot) }
                if entry & 0xFFFF_FFFF_0000_0000 == tag, table[base + 1] == length, table[base + 2] == first,
                    table[base + 3] == second
                {
                    let id = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                    if length <= 16 || tailEqual(id: id, key) { return (Int32(id), slot) }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Whether string `id`, whose length and first 16 bytes match `key`, matches it after them too.
    private func tailEqual(id: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        bytes.withUnsafeBytes { arena in
            let start = id == 0 ? 0 : Int(ends[id - 1])
            return Self.equalBytes(arena.baseAddress! + start + 16, key.baseAddress! + 16, key.count - 16)
        }
    }

    @inline(__always)
    private static func equalBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
        var index = 0
        while index + 8 <= count {
            if a.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                != b.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            { return false }
            index += 8
        }
        while index < count {
            if a.load(fromByteOffset: index, as: UInt8.self) != b.load(fromByteOffset: index, as: UInt8.self) {
                return false
            }
            index += 1
        }
        return true
    }

    private mutating func grow(to count: Int) {
        var capacity = max(16, slotCount)
        while count * 2 > capacity { capacity *= 2 }
        if capacity == slotCount { return }
        table = [UInt64](repeating: 0, count: capacity * Self.slotWords)
        rehash()
    }

    /// Fills the (empty) table from the arena.
    private mutating func rehash() {
        let mask = slotCount - 1
        var table = self.table
        self.table = []
        bytes.withUnsafeBytes { arena in
            var start = 0
            for (id, end) in ends.enumerated() {
                let key = UnsafeRawBufferPointer(rebasing: arena[start..<Int(end)])
                let hash = Self.hash(key)
                var slot = Int(truncatingIfNeeded: hash) & mask
                while table[slot * Self.slotWords] != 0 { slot = (slot + 1) & mask }
                Self.fill(&table, slot: slot, id: Int32(id), hash: hash, key: key)
                start = Int(end)
            }
        }
        self.table = table
    }

    /// Writes the arena and the ends: two flat arrays.
    fileprivate func write(to writer: inout SnapshotWriter) {
        writer.raw(bytes)
        writer.array(ends)
    }

    /// Reads what ``write(to:)`` wrote, checking that the ends step through the arena and the strings are distinct.
    fileprivate init(reading reader: inout SnapshotReader) throws(ProjectionError) {
        bytes = try reader.raw()
        ends = try reader.array()
        var previous: Int32 = 0
        for end in ends {
            guard end >= previous else { throw ProjectionError(.badSnapshot, "interner ends go backwards") }
            previous = end
        }
        guard Int(previous) == bytes.count else { throw ProjectionError(.badSnapshot, "interner ends miss the arena") }
        var capacity = 16
        while ends.count * 2 > capacity { capacity *= 2 }
        table = [UInt64](repeating: 0, count: capacity * Self.slotWords)
        rehash()
        var start = 0
        for (id, end) in ends.enumerated() {
            let found = bytes.withUnsafeBytes { arena in
                let key = UnsafeRawBufferPointer(rebasing: arena[start..<Int(end)])
                return find(key, hash: Self.hash(key)).id
            }
            guard found == Int32(id) else { throw ProjectionError(.badSnapshot, "interner holds a string twice") }
            start = Int(end)
        }
    }


    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 { hash(UnsafeRawBufferPointer(bytes)) }

    /// A fast non-cryptographic hash of bytes, eight at a time (keys come from our own log, not an adversary).
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let count = bytes.count
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: count)
        guard let base = bytes.baseAddress else { return h }
        var index = 0
        while index + 8 <= count {
            let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            h = (h ^ word) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            index += 8
        }
        if index < count {
            var word: UInt64 = 0
            var shift: UInt64 = 0
            while index < count {
                word |= UInt64(base.load(fromByteOffset: index, as: UInt8.self)) << shift
                shift += 8
                index += 1
            }
            h = (h ^ word) &* 0xC4CE_B9FE_1A85_EC53
        }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 29
        return h
    }
}

extension SnapshotWriter {
    public mutating func interner(_ interner: Interner) { interner.write(to: &self) }
}

extension SnapshotReader {
    public mutating func interner() throws(ProjectionError) -> Interner { try Interner(reading: &self) }
}

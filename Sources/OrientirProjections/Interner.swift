import COrientirSupport

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
        let digest = Self.digest(bytes)
        let (found, slot) = find(bytes, digest)
        if let found { return found }
        let id = Int32(ends.count)
        self.bytes.append(contentsOf: bytes)
        ends.append(Int32(self.bytes.count))
        Self.fill(&table, slot: slot, id: id, digest: digest, count: bytes.count)
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

    /// Starts loading the table slot where a lookup of the UTF-8 `bytes` begins, without waiting for it: a fold
    /// calls this some events ahead of the lookup, so that the lookup finds its slot in cache (the table of a
    /// region's people is megabytes, and each lookup lands somewhere else in it).
    @inline(__always)
    public func prefetch(utf8 bytes: UnsafeRawBufferPointer) {
        let slot = Self.home(Self.digest(bytes).hash, slotCount - 1)
        table.withUnsafeBufferPointer { orientir_prefetch($0.baseAddress! + slot &* Self.slotWords) }
    }

    /// The id of a string seen before, nil if never seen.
    public func id(of string: String) -> Int32? {
        var string = string
        return string.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            return find(bytes, Self.digest(bytes)).id
        }
    }

    public subscript(id: Int32) -> String {
        let start = id == 0 ? 0 : Int(ends[Int(id) - 1])
        return String(decoding: bytes[start..<Int(ends[Int(id)])], as: UTF8.self)
    }

    // MARK: - The table

    private var slotCount: Int { table.count / Self.slotWords }

    /// A key's first 16 bytes as two little-endian words (zero-padded), and its hash.
    struct Digest {
        let first: UInt64
        let second: UInt64
        let hash: UInt64
    }

    /// The key's words and hash, read with a few unaligned loads (no byte loop for keys of 4 bytes or more).
    @inline(__always)
    static func digest(_ key: UnsafeRawBufferPointer) -> Digest {
        let count = key.count
        var first: UInt64 = 0
        var second: UInt64 = 0
        if let base = key.baseAddress {
            if count >= 16 {
                first = base.loadUnaligned(as: UInt64.self)
                second = base.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            } else if count >= 8 {
                first = base.loadUnaligned(as: UInt64.self)
                if count > 8 {
                    // The last eight bytes, shifted so the ones after the first eight start at bit 0.
                    second = base.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) >> UInt64((16 - count) * 8)
                }
            } else if count >= 4 {
                // Two overlapping four-byte loads; the bytes they share are equal, so or-ing them is exact.
                let low = UInt64(base.loadUnaligned(as: UInt32.self))
                let high = UInt64(base.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
                first = low | high << UInt64((count - 4) * 8)
            } else {
                for index in 0..<count {
                    first |= UInt64(base.load(fromByteOffset: index, as: UInt8.self)) << UInt64(index * 8)
                }
            }
        }
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: count)
        h = (h ^ first) &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 32
        h = (h ^ second) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 32
        if count > 16 {
            // The bytes after the first 16, eight at a time, the last word zero-padded.
            let base = key.baseAddress!
            var index = 16
            while index < count {
                var word: UInt64 = 0
                if index + 8 <= count {
                    word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                } else {
                    for offset in 0..<(count - index) {
                        word |= UInt64(base.load(fromByteOffset: index + offset, as: UInt8.self)) << UInt64(offset * 8)
                    }
                }
                h = (h ^ word) &* 0xFF51_AFD7_ED55_8CCD
                h ^= h >> 32
                index += 8
            }
        }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 29
        return Digest(first: first, second: second, hash: h)
    }

    @inline(__always)
    private static func fill(_ table: inout [UInt64], slot: Int, id: Int32, digest: Digest, count: Int) {
        table.withUnsafeMutableBufferPointer { table in
            let base = slot * slotWords
            table[base] = (digest.hash & 0xFFFF_FFFF_0000_0000) | UInt64(UInt32(id) + 1)
            table[base + 1] = UInt64(count)
            table[base + 2] = digest.first
            table[base + 3] = digest.second
        }
    }

    /// The slot where the probe for a key of `hash` starts, in a table of `mask + 1` slots (lookups, inserts and
    /// prefetches alike).
    @inline(__always)
    private static func home(_ hash: UInt64, _ mask: Int) -> Int { Int(truncatingIfNeeded: hash) & mask }

    /// The id of the bytes if present, else the empty slot where they would go.
    @inline(__always)
    private func find(_ key: UnsafeRawBufferPointer, _ digest: Digest) -> (id: Int32?, slot: Int) {
        let first = digest.first, second = digest.second, hash = digest.hash
        let length = UInt64(key.count)
        return table.withUnsafeBufferPointer { table in
            let mask = table.count / Self.slotWords - 1
            let tag = hash & 0xFFFF_FFFF_0000_0000
            var slot = Self.home(hash, mask)
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
                let digest = Self.digest(key)
                var slot = Self.home(digest.hash, mask)
                while table[slot * Self.slotWords] != 0 { slot = (slot + 1) & mask }
                Self.fill(&table, slot: slot, id: Int32(id), digest: digest, count: key.count)
                start = Int(end)
            }
        }
        self.table = table
    }

    /// Writes the arena and the ends: two flat arrays.
    fileprivate func write(to writer: inout SnapshotWriter) {
        writer.growing(bytes)
        writer.growing(ends)
    }

    /// Reads what ``write(to:)`` wrote, checking that the ends step through the arena and the strings are distinct.
    fileprivate init(reading reader: inout SnapshotReader) throws(ProjectionError) {
        bytes = try reader.growing()
        ends = try reader.growing()
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
                return find(key, Self.digest(key)).id
            }
            guard found == Int32(id) else { throw ProjectionError(.badSnapshot, "interner holds a string twice") }
            start = Int(end)
        }
    }


}

extension SnapshotWriter {
    public mutating func interner(_ interner: Interner) { interner.write(to: &self) }
}

extension SnapshotReader {
    public mutating func interner() throws(ProjectionError) -> Interner { try Interner(reading: &self) }
}

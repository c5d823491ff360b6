/// Gives each distinct string a dense integer, so folds keep flat arrays of numbers instead of string keys.
///
/// Lookups hash the string's UTF-8 bytes with a fast word-at-a-time hash into an open-addressing table of ids
/// (no `Dictionary<String, …>`, no SipHash); a key may also be looked up as a prefix plus a string without building
/// the concatenation (``intern(_:_:)``).
public struct Interner: Sendable {
    public private(set) var strings: [String] = []
    /// Open addressing, linear probing, at most half full: the high 32 bits of the key's hash over id + 1, or 0 for
    /// an empty slot (one cache line per probe, strings compared only on a full tag match). A power of two long.
    private var table = [UInt64](repeating: 0, count: 16)

    public init() {}

    public init(strings: [String]) {
        self.strings = []
        self.strings.reserveCapacity(strings.count)
        grow(to: strings.count)
        for string in strings { _ = intern(string) }
        // Duplicates would never come from `strings` of an interner; keep ids positional if they ever do.
        if self.strings.count != strings.count {
            self.strings = strings
            rehash()
        }
    }

    public var count: Int { strings.count }

    /// The string's id, assigning the next one if it is new.
    @inline(__always)
    public mutating func intern(_ string: String) -> Int32 {
        var utf8String = string
        return utf8String.withUTF8 { utf8 in
            intern(bytes: UnsafeRawBufferPointer(utf8)) { string }
        }
    }

    /// The id of `prefix + string`, assigning the next one if it is new; builds the concatenation only then.
    @inline(__always)
    public mutating func intern(_ prefix: StaticString, _ string: String) -> Int32 {
        var string = string
        let prefixCount = prefix.utf8CodeUnitCount
        return string.withUTF8 { utf8 in
            let total = prefixCount + utf8.count
            return withUnsafeTemporaryAllocation(byteCount: total, alignment: 8) { buffer in
                buffer.baseAddress!.copyMemory(from: prefix.utf8Start, byteCount: prefixCount)
                if utf8.count > 0 {
                    (buffer.baseAddress! + prefixCount).copyMemory(from: utf8.baseAddress!, byteCount: utf8.count)
                }
                let bytes = UnsafeRawBufferPointer(buffer)
                return intern(bytes: bytes) { String(decoding: bytes, as: UTF8.self) }
            }
        }
    }

    /// The id of a string seen before, nil if never seen.
    public func id(of string: String) -> Int32? {
        var string = string
        return string.withUTF8 { utf8 in find(UnsafeRawBufferPointer(utf8), hash: Self.hash(utf8)).id }
    }

    public subscript(id: Int32) -> String { strings[Int(id)] }

    // MARK: - The table

    @inline(__always)
    private mutating func intern(bytes: UnsafeRawBufferPointer, make: () -> String) -> Int32 {
        let hash = Self.hash(bytes)
        let (found, slot) = find(bytes, hash: hash)
        if let found { return found }
        let id = Int32(strings.count)
        strings.append(make())
        table[slot] = Self.entry(id: id, hash: hash)
        if strings.count * 2 > table.count { grow(to: strings.count) }
        return id
    }

    /// The id of the bytes if present, else the empty slot where they would go.
    @inline(__always)
    private func find(_ bytes: UnsafeRawBufferPointer, hash: UInt64) -> (id: Int32?, slot: Int) {
        return table.withUnsafeBufferPointer { table in
            let mask = table.count - 1
            let tag = hash & 0xFFFF_FFFF_0000_0000
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let entry = table[slot]
                if entry == 0 { return (nil, slot) }
                if entry & 0xFFFF_FFFF_0000_0000 == tag {
                    let id = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                    if Self.equal(strings[id], bytes) { return (Int32(id), slot) }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    @inline(__always)
    private static func equal(_ string: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var string = string
        return string.withUTF8 { utf8 in
            utf8.count == bytes.count
                && (bytes.count == 0 || memcmpBytes(UnsafeRawPointer(utf8.baseAddress!), bytes.baseAddress!, bytes.count))
        }
    }

    @inline(__always)
    private static func memcmpBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
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
        var capacity = max(16, table.count)
        while count * 2 > capacity { capacity *= 2 }
        if capacity == table.count { return }
        table = [UInt64](repeating: 0, count: capacity)
        rehash()
    }

    private mutating func rehash() {
        for index in table.indices { table[index] = 0 }
        let mask = table.count - 1
        for (id, string) in strings.enumerated() {
            let hash = Self.hash(of: string)
            var slot = Int(truncatingIfNeeded: hash) & mask
            while table[slot] != 0 { slot = (slot + 1) & mask }
            table[slot] = Self.entry(id: Int32(id), hash: hash)
        }
    }

    @inline(__always)
    private static func entry(id: Int32, hash: UInt64) -> UInt64 {
        (hash & 0xFFFF_FFFF_0000_0000) | UInt64(UInt32(id) + 1)
    }

    static func hash(of string: String) -> UInt64 {
        var string = string
        return string.withUTF8 { hash($0) }
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
    public mutating func interner(_ interner: Interner) { strings(interner.strings) }
}

extension SnapshotReader {
    public mutating func interner() throws(ProjectionError) -> Interner { Interner(strings: try strings()) }
}

/// A set of 64-bit keys for the indicator computation's "distinct per cell" counts: open addressing with linear
/// probing on a multiplicative hash. The keys are our own packed numbers (cell and item), so no seeded hashing is
/// needed, and a count over a million rows is a few milliseconds instead of a hundred.
struct KeySet {
    /// Key + 1 per slot, 0 for empty (so key `UInt64.max` cannot be stored; ours never reach it).
    private var slots: [UInt64]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    static func slot(_ key: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 29) & mask
    }

    /// Adds `key`; whether it was not there before.
    @inline(__always)
    mutating func insert(_ key: UInt64) -> Bool {
        precondition(key != .max, "KeySet cannot hold UInt64.max")
        if (count + 1) * 2 > slots.count { grow() }
        let stored = key &+ 1
        let mask = self.mask
        let inserted = slots.withUnsafeMutableBufferPointer { slots in
            var slot = Self.slot(key, mask)
            while true {
                let current = slots[slot]
                if current == stored { return false }
                if current == 0 {
                    slots[slot] = stored
                    return true
                }
                slot = (slot + 1) & mask
            }
        }
        if inserted { count += 1 }
        return inserted
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        mask = slots.count - 1
        count = 0
        for stored in old where stored != 0 { _ = insert(stored &- 1) }
    }
}

/// A map of 64-bit keys to row indices, built like ``KeySet``.
struct KeyMap {
    private var keys: [UInt64]
    private var values: [Int32]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        keys = [UInt64](repeating: 0, count: size)
        values = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    subscript(key: UInt64) -> Int32? {
        get {
            var slot = KeySet.slot(key, mask)
            while values[slot] >= 0 {
                if keys[slot] == key { return values[slot] }
                slot = (slot + 1) & mask
            }
            return nil
        }
        set {
            guard let value = newValue else { preconditionFailure("KeyMap does not remove keys") }
            precondition(value >= 0, "KeyMap values are row indices")
            if (count + 1) * 2 > keys.count { grow() }
            var slot = KeySet.slot(key, mask)
            while values[slot] >= 0 {
                if keys[slot] == key {
                    values[slot] = value
                    return
                }
                slot = (slot + 1) & mask
            }
            keys[slot] = key
            values[slot] = value
            count += 1
        }
    }

    /// Calls `body` with every entry, in no particular order.
    func forEach(_ body: (UInt64, Int32) -> Void) {
        for slot in keys.indices where values[slot] >= 0 { body(keys[slot], values[slot]) }
    }

    /// Every entry, in increasing key order.
    func sortedEntries() -> [(key: UInt64, value: Int32)] {
        var entries: [(key: UInt64, value: Int32)] = []
        entries.reserveCapacity(count)
        for slot in keys.indices where values[slot] >= 0 { entries.append((keys[slot], values[slot])) }
        entries.sort { $0.key < $1.key }
        return entries
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = [UInt64](repeating: 0, count: oldKeys.count * 2)
        values = [Int32](repeating: -1, count: oldKeys.count * 2)
        mask = keys.count - 1
        count = 0
        for slot in oldKeys.indices where oldValues[slot] >= 0 { self[oldKeys[slot]] = oldValues[slot] }
    }
}

/// Pairs (row, column) of two dense ranges — (cell, person), (scope, team) — as a bit matrix when it is small
/// enough (one memory access per insert, zeroed in one go), else as a ``KeySet``. Columns are interned ids.
struct PairSet {
    /// Bit matrices up to this many bits (8 MiB); larger grids fall back to hashing.
    static let denseLimit = 1 << 26

    private var bits: [UInt64]
    private var hashed: KeySet?
    private let rows: Int
    private let columns: Int

    init(rows: Int, columns: Int, expected: Int = 64) {
        self.rows = max(rows, 0)
        self.columns = max(columns, 1)
        let (size, overflow) = rows.multipliedReportingOverflow(by: self.columns)
        if !overflow, size <= Self.denseLimit {
            bits = [UInt64](repeating: 0, count: (size + 63) / 64)
            hashed = nil
        } else {
            bits = []
            hashed = KeySet(capacity: expected)
        }
    }

    /// Adds the pair; whether it was not there before.
    @inline(__always)
    mutating func insert(_ row: Int, _ column: Int32) -> Bool {
        precondition(row >= 0 && row < rows && column >= 0 && Int(column) < columns, "PairSet pair out of range")
        if hashed != nil { return hashed!.insert(UInt64(row) << 32 | UInt64(UInt32(column))) }
        let index = row * columns + Int(column)
        let bit: UInt64 = 1 << UInt64(index & 63)
        return bits.withUnsafeMutableBufferPointer { words in
            let word = words[index >> 6]
            if word & bit != 0 { return false }
            words[index >> 6] = word | bit
            return true
        }
    }
}

/// A map of pairs (row, column) of two dense ranges to non-negative values, like ``PairSet``: a flat array when
/// it fits in `denseLimit` entries, else a ``KeyMap`` keyed by `row << 32 | column`.
struct PairMap {
    /// Flat arrays up to this many entries (16 MiB of Int32).
    static let denseLimit = 1 << 22

    private var values: [Int32]
    private var hashed: KeyMap?
    let rows: Int
    let columns: Int

    init(rows: Int, columns: Int) {
        self.rows = max(rows, 0)
        self.columns = max(columns, 1)
        let (size, overflow) = self.rows.multipliedReportingOverflow(by: self.columns)
        if !overflow, size <= Self.denseLimit {
            values = [Int32](repeating: -1, count: size)
            hashed = nil
        } else {
            values = []
            hashed = KeyMap(capacity: min(self.rows, 1 << 20))
        }
    }

    @inline(__always)
    subscript(row: Int32, column: Int) -> Int32? {
        get {
            precondition(row >= 0 && Int(row) < rows && column >= 0 && column < columns, "PairMap pair out of range")
            if let hashed { return hashed[UInt64(UInt32(row)) << 32 | UInt64(column)] }
            let value = values[Int(row) * columns + column]
            return value >= 0 ? value : nil
        }
        set {
            precondition(row >= 0 && Int(row) < rows && column >= 0 && column < columns, "PairMap pair out of range")
            guard let value = newValue, value >= 0 else { preconditionFailure("PairMap values are row indices") }
            if hashed != nil {
                hashed![UInt64(UInt32(row)) << 32 | UInt64(column)] = value
            } else {
                values[Int(row) * columns + column] = value
            }
        }
    }

    /// Calls `body` with every entry, in no particular order.
    func forEach(_ body: (_ row: Int32, _ column: Int, _ value: Int32) -> Void) {
        if let hashed {
            hashed.forEach { key, value in body(Int32(truncatingIfNeeded: key >> 32), Int(key & 0xFFFF_FFFF), value) }
            return
        }
        values.withUnsafeBufferPointer { values in
            for index in values.indices where values[index] >= 0 {
                body(Int32(index / columns), index % columns, values[index])
            }
        }
    }

    /// Every entry, by row, then column.
    func sortedEntries() -> [(row: Int32, column: Int, value: Int32)] {
        if let hashed {
            return hashed.sortedEntries().map { (Int32(truncatingIfNeeded: $0.key >> 32), Int($0.key & 0xFFFF_FFFF), $0.value) }
        }
        var entries: [(row: Int32, column: Int, value: Int32)] = []
        for index in values.indices where values[index] >= 0 {
            entries.append((Int32(index / columns), index % columns, values[index]))
        }
        return entries
    }
}

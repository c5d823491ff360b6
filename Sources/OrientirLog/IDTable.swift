/// The writer's table of every stored id: open addressing with linear probing over flat arrays.
///
/// Ids are random (UUIDs), so their first eight bytes already make a good hash: no seeded hasher per lookup,
/// and one probe sequence over contiguous memory. Removal (to undo a refused append) shifts the following
/// entries back, so the table never holds tombstones.
struct IDTable {
    private var keys: [IDKey]
    private var values: [IDEntry]
    private var used: [Bool]
    private(set) var count = 0
    private var mask: Int

    init(capacity: Int = 1024) {
        let slots = IDTable.slots(for: capacity)
        keys = Array(repeating: IDKey(), count: slots)
        values = Array(repeating: IDEntry(position: 0, hash: 0), count: slots)
        used = Array(repeating: false, count: slots)
        mask = slots - 1
    }

    /// A power of two with room for `capacity` entries at a load of at most one half.
    private static func slots(for capacity: Int) -> Int {
        var slots = 1024
        while slots < capacity * 2 { slots <<= 1 }
        return slots
    }

    @inline(__always)
    private func home(_ key: IDKey) -> Int {
        let h = (key.w0 ^ (key.w1 &* 0x9E37_79B9_7F4A_7C15) ^ key.w2 ^ key.w3 ^ UInt64(key.count)) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: h >> 17) & mask
    }

    subscript(key: IDKey) -> IDEntry? {
        var slot = home(key)
        while used[slot] {
            if keys[slot] == key { return values[slot] }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Stores `entry` under `key` unless the key is there already; returns what was there (and leaves it).
    @inline(__always)
    mutating func insertIfAbsent(_ key: IDKey, _ entry: IDEntry) -> IDEntry? {
        if (count + 1) * 2 > keys.count { grow(to: (count + 1) * 2) }
        var slot = home(key)
        while used[slot] {
            if keys[slot] == key { return values[slot] }
            slot = (slot + 1) & mask
        }
        keys[slot] = key
        values[slot] = entry
        used[slot] = true
        count += 1
        return nil
    }

    /// Stores `entry` under `key`, replacing what was there.
    mutating func set(_ key: IDKey, _ entry: IDEntry) {
        if (count + 1) * 2 > keys.count { grow(to: (count + 1) * 2) }
        var slot = home(key)
        while used[slot] {
            if keys[slot] == key {
                values[slot] = entry
                return
            }
            slot = (slot + 1) & mask
        }
        keys[slot] = key
        values[slot] = entry
        used[slot] = true
        count += 1
    }

    mutating func remove(_ key: IDKey) {
        var slot = home(key)
        while used[slot] {
            if keys[slot] == key { break }
            slot = (slot + 1) & mask
        }
        guard used[slot] else { return }
        used[slot] = false
        count -= 1
        // Backward-shift deletion: move later entries of the run into the hole when their home allows it.
        var hole = slot
        var next = (slot + 1) & mask
        while used[next] {
            let wanted = home(keys[next])
            let between = hole <= next ? (wanted > hole && wanted <= next) : (wanted > hole || wanted <= next)
            if !between {
                keys[hole] = keys[next]
                values[hole] = values[next]
                used[hole] = true
                used[next] = false
                hole = next
            }
            next = (next + 1) & mask
        }
    }

    /// Calls `body` for every entry, in no particular order.
    func forEach(_ body: (IDKey, IDEntry) -> Void) {
        for slot in 0..<used.count where used[slot] { body(keys[slot], values[slot]) }
    }

    /// Makes room for `capacity` entries in all.
    mutating func reserveCapacity(_ capacity: Int) {
        if capacity * 2 > keys.count { grow(to: capacity) }
    }

    private mutating func grow(to capacity: Int) {
        let old = (keys, values, used)
        let slots = IDTable.slots(for: max(capacity, keys.count))
        keys = Array(repeating: IDKey(), count: slots)
        values = Array(repeating: IDEntry(position: 0, hash: 0), count: slots)
        used = Array(repeating: false, count: slots)
        mask = slots - 1
        count = 0
        for i in 0..<old.2.count where old.2[i] {
            var slot = home(old.0[i])
            while used[slot] { slot = (slot + 1) & mask }
            keys[slot] = old.0[i]
            values[slot] = old.1[i]
            used[slot] = true
            count += 1
        }
    }
}

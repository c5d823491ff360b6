/// The writer's table of each stream's last version: open addressing with linear probing, keyed by the stream
/// name's UTF-8 bytes under the same fast mix as ids (`IDTable.fingerprint`) with a random key of its own, not by
/// `String`'s seeded hasher.
/// A slot keeps the name's hash, the version and the name side by side (one cache line to touch), and a probe
/// compares names only when the hashes agree.
struct StreamTable {
    struct Slot {
        var hash: UInt64 = 0  // 0: empty
        var version: UInt64 = 0
        var name = ""
    }

    private var slots: [Slot]
    private(set) var count = 0
    private var mask: Int
    private let key = UInt64.random(in: 1...UInt64.max)

    init(capacity: Int = 64) {
        let n = StreamTable.slotCount(for: capacity)
        slots = Array(repeating: Slot(), count: n)
        mask = n - 1
    }

    private static func slotCount(for capacity: Int) -> Int {
        var n = 64
        while n < capacity * 2 { n <<= 1 }
        return n
    }

    /// The hash of a stream name in this table.
    @inline(__always)
    func hash(_ name: String) -> UInt64 {
        if let h = name.utf8.withContiguousStorageIfAvailable({ IDTable.fingerprint(UnsafeRawBufferPointer($0), key: key) }) {
            return h
        }
        var copy = name
        return copy.withUTF8 { IDTable.fingerprint(UnsafeRawBufferPointer($0), key: key) }
    }

    @inline(__always)
    private func home(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash >> 20) & mask }

    /// Loads the home slots of `hashes` without using them, so that their misses overlap (see `IDTable.touch`).
    @inline(__always)
    func touch(_ hashes: UnsafeBufferPointer<UInt64>) -> UInt64 {
        slots.withUnsafeBufferPointer { table in
            var sink: UInt64 = 0
            for hash in hashes { sink ^= table[home(hash)].hash }
            return sink
        }
    }

    /// The slot of `name` (hashed to `hash`), or nil.
    @inline(__always)
    func slot(of name: String, hash: UInt64) -> Int? {
        slots.withUnsafeBufferPointer { table in
            var slot = home(hash)
            while table[slot].hash != 0 {
                if table[slot].hash == hash && table[slot].name == name { return slot }
                slot = (slot + 1) & mask
            }
            return nil
        }
    }

    subscript(name: String) -> UInt64? {
        get { slot(of: name, hash: hash(name)).map { slots[$0].version } }
        set {
            let hash = self.hash(name)
            if let newValue { set(name, hash: hash, version: newValue) } else { remove(name, hash: hash) }
        }
    }

    func version(at slot: Int) -> UInt64 { slots[slot].version }

    mutating func setVersion(_ version: UInt64, at slot: Int) { slots[slot].version = version }

    /// Stores `version` for `name`, adding the stream if it is new.
    mutating func set(_ name: String, hash: UInt64, version: UInt64) {
        if let slot = slot(of: name, hash: hash) {
            slots[slot].version = version
            return
        }
        if (count + 1) * 2 > slots.count { grow(to: (count + 1) * 2) }
        var slot = home(hash)
        while slots[slot].hash != 0 { slot = (slot + 1) & mask }
        slots[slot] = Slot(hash: hash, version: version, name: name)
        count += 1
    }

    mutating func remove(_ name: String, hash: UInt64) {
        guard let slot = slot(of: name, hash: hash) else { return }
        slots[slot] = Slot()
        count -= 1
        // Backward-shift deletion, as in `IDTable.remove`.
        var hole = slot
        var next = (slot + 1) & mask
        while slots[next].hash != 0 {
            let wanted = home(slots[next].hash)
            let between = hole <= next ? (wanted > hole && wanted <= next) : (wanted > hole || wanted <= next)
            if !between {
                slots[hole] = slots[next]
                slots[next] = Slot()
                hole = next
            }
            next = (next + 1) & mask
        }
    }

    mutating func reserveCapacity(_ capacity: Int) {
        if capacity * 2 > slots.count { grow(to: capacity) }
    }

    /// Calls `body` for every stream, in no particular order.
    func forEach(_ body: (_ name: String, _ version: UInt64) -> Void) {
        for slot in slots where slot.hash != 0 { body(slot.name, slot.version) }
    }

    private mutating func grow(to capacity: Int) {
        let old = slots
        let n = StreamTable.slotCount(for: max(capacity, slots.count))
        slots = Array(repeating: Slot(), count: n)
        mask = n - 1
        for entry in old where entry.hash != 0 {
            var slot = home(entry.hash)
            while slots[slot].hash != 0 { slot = (slot + 1) & mask }
            slots[slot] = entry
        }
    }
}

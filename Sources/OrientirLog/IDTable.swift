#if canImport(Glibc)
import Glibc
#endif

/// The writer's table of every stored id: open addressing with linear probing over one flat array of 16-byte
/// slots, each a 64-bit fingerprint of an id and the position stored under it.
///
/// A slot does not hold the id itself: a fingerprint match is confirmed against the record (the stored one, or
/// a draft earlier in the same commit) before it counts as a repeat, and a repeat's content is compared there
/// too. Fingerprints are keyed with a random 64-bit key per table (saved with it in `writer.state`), so that ids
/// chosen to collide cannot be computed from outside and pile up in one probe run. Only repeats (idempotent
/// retries) and chance collisions pay that read; every other append pays one
/// probe into a table of 16 bytes per slot, so a million ids fit in 32 MB, touched with few cache and TLB
/// misses. Large tables are mapped from the kernel (already zeroed; huge pages where the kernel allows).
/// Removal (to undo a refused append) shifts the following entries back, so the table never holds tombstones.
struct IDTable {
    struct Slot {
        /// 0 for an empty slot; fingerprints are never 0.
        var fingerprint: UInt64 = 0
        var position: UInt64 = 0
    }

    private var storage: SlotStorage
    private(set) var count = 0
    /// Keys the fingerprints of this table.
    let key: UInt64

    init(capacity: Int = 1024, key: UInt64 = .random(in: 1...UInt64.max)) {
        storage = SlotStorage(slots: IDTable.slotCount(for: capacity))
        self.key = key
    }

    /// The fingerprint of an id in this table.
    @inline(__always)
    func fingerprint(_ id: [UInt8]) -> UInt64 { id.withUnsafeBytes { Self.fingerprint($0, key: key) } }

    @inline(__always)
    func fingerprint(_ id: UnsafeRawBufferPointer) -> UInt64 { Self.fingerprint(id, key: key) }

    /// The fingerprint of `bytes` under `key`: a 64-bit mix of the bytes, never 0.
    @inline(__always)
    static func fingerprint(_ id: UnsafeRawBufferPointer, key: UInt64) -> UInt64 {
        var h: UInt64 = key ^ 0x243F_6A88_85A3_08D3 ^ (UInt64(id.count) &* 0x9E37_79B9_7F4A_7C15)
        var i = 0
        while id.count - i >= 8 {
            h = mix(h ^ id.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        if i < id.count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < id.count {
                tail |= UInt64(id[i]) << shift
                shift += 8
                i += 1
            }
            h = mix(h ^ tail)
        }
        return h == 0 ? 1 : h
    }

    @inline(__always)
    private static func mix(_ x: UInt64) -> UInt64 {
        var z = x &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 31)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 29)
    }

    /// A power of two with room for `capacity` entries at a load of at most one half.
    private static func slotCount(for capacity: Int) -> Int {
        var n = 1024
        while n < capacity * 2 { n <<= 1 }
        return n
    }

    @inline(__always)
    private static func home(_ fingerprint: UInt64, _ mask: Int) -> Int {
        Int(truncatingIfNeeded: fingerprint >> 20) & mask
    }

    /// Loads the home slots of `fingerprints` without using them: the misses of a whole append overlap instead
    /// of each stalling its own insert. Returns a value only so that the loads are not optimised away.
    @inline(__always)
    func touch(_ fingerprints: UnsafeBufferPointer<UInt64>) -> UInt64 {
        let table = storage.slots, mask = storage.mask
        var sink: UInt64 = 0
        for fingerprint in fingerprints { sink ^= table[Self.home(fingerprint, mask)].fingerprint }
        return sink
    }

    /// Calls `body` with each position stored under `fingerprint` until it returns true; returns that position.
    func first(_ fingerprint: UInt64, where body: (UInt64) -> Bool) -> UInt64? {
        let table = storage.slots, mask = storage.mask
        var slot = Self.home(fingerprint, mask)
        while table[slot].fingerprint != 0 {
            if table[slot].fingerprint == fingerprint && body(table[slot].position) { return table[slot].position }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Returns the first position stored under `fingerprint` that `isSame` confirms; when there is none,
    /// stores `position` under it and returns nil. One probe sequence either way.
    @inline(__always)
    mutating func insertUnlessConfirmed(
        _ fingerprint: UInt64, _ position: UInt64, isSame: (UInt64) -> Bool
    ) -> UInt64? {
        reserve(count + 1)
        let table = storage.slots, mask = storage.mask
        var slot = Self.home(fingerprint, mask)
        while table[slot].fingerprint != 0 {
            if table[slot].fingerprint == fingerprint && isSame(table[slot].position) { return table[slot].position }
            slot = (slot + 1) & mask
        }
        table[slot] = Slot(fingerprint: fingerprint, position: position)
        count += 1
        return nil
    }

    /// Stores `position` under `fingerprint` and returns true when no entry has that fingerprint yet; otherwise
    /// stores nothing and returns false (the caller then confirms with `insertUnlessConfirmed`). The common
    /// path of an append: one probe, no closure.
    @inline(__always)
    mutating func insertIfNew(_ fingerprint: UInt64, _ position: UInt64) -> Bool {
        reserve(count + 1)
        let table = storage.slots, mask = storage.mask
        var slot = Self.home(fingerprint, mask)
        while table[slot].fingerprint != 0 {
            if table[slot].fingerprint == fingerprint { return false }
            slot = (slot + 1) & mask
        }
        table[slot] = Slot(fingerprint: fingerprint, position: position)
        count += 1
        return true
    }

    /// Stores `position` under `fingerprint` (for ids known to be new, as when reading the log).
    mutating func insert(_ fingerprint: UInt64, _ position: UInt64) {
        _ = insertUnlessConfirmed(fingerprint, position) { _ in false }
    }

    /// Removes the entry of `fingerprint` at `position`.
    mutating func remove(_ fingerprint: UInt64, _ position: UInt64) {
        unshare()
        let table = storage.slots, mask = storage.mask
        var slot = Self.home(fingerprint, mask)
        while table[slot].fingerprint != 0 {
            if table[slot].fingerprint == fingerprint && table[slot].position == position { break }
            slot = (slot + 1) & mask
        }
        guard table[slot].fingerprint != 0 else { return }
        table[slot] = Slot()
        count -= 1
        // Backward-shift deletion: move later entries of the run into the hole when their home allows it.
        var hole = slot
        var next = (slot + 1) & mask
        while table[next].fingerprint != 0 {
            let wanted = Self.home(table[next].fingerprint, mask)
            let between = hole <= next ? (wanted > hole && wanted <= next) : (wanted > hole || wanted <= next)
            if !between {
                table[hole] = table[next]
                table[next] = Slot()
                hole = next
            }
            next = (next + 1) & mask
        }
    }

    /// Calls `body` for every entry, in no particular order.
    func forEach(_ body: (_ fingerprint: UInt64, _ position: UInt64) -> Void) {
        let table = storage.slots
        for i in 0..<storage.count where table[i].fingerprint != 0 { body(table[i].fingerprint, table[i].position) }
    }

    /// Makes room for `capacity` entries in all.
    mutating func reserveCapacity(_ capacity: Int) { reserve(capacity) }

    @inline(__always)
    private mutating func reserve(_ capacity: Int) {
        if capacity * 2 > storage.count { grow(to: capacity) } else { unshare() }
    }

    /// Copy on write: a copy of the table shares its slots until either side changes.
    @inline(__always)
    private mutating func unshare() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    private mutating func grow(to capacity: Int) {
        let old = storage
        storage = SlotStorage(slots: IDTable.slotCount(for: max(capacity, old.count)))
        let table = storage.slots, mask = storage.mask
        for i in 0..<old.count where old.slots[i].fingerprint != 0 {
            var slot = Self.home(old.slots[i].fingerprint, mask)
            while table[slot].fingerprint != 0 { slot = (slot + 1) & mask }
            table[slot] = old.slots[i]
        }
    }
}

/// The zeroed slots of an `IDTable`.
final class SlotStorage {
    let slots: UnsafeMutablePointer<IDTable.Slot>
    let count: Int
    var mask: Int { count - 1 }
    private let mappedBytes: Int

    /// Tables from this size on are mapped from the kernel, which hands out zeroed pages as they are touched.
    private static let mapThreshold = 1 << 20

    init(slots count: Int) {
        self.count = count
        let bytes = count * MemoryLayout<IDTable.Slot>.stride
        if bytes >= Self.mapThreshold,
            let base = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), base != MAP_FAILED
        {
            _ = madvise(base, bytes, 14)  // MADV_HUGEPAGE: fewer TLB misses for random probes
            slots = base.bindMemory(to: IDTable.Slot.self, capacity: count)
            mappedBytes = bytes
        } else {
            slots = .allocate(capacity: count)
            slots.initialize(repeating: IDTable.Slot(), count: count)
            mappedBytes = 0
        }
    }

    func copy() -> SlotStorage {
        let made = SlotStorage(slots: count)
        made.slots.update(from: slots, count: count)
        return made
    }

    deinit {
        if mappedBytes > 0 { munmap(slots, mappedBytes) } else { slots.deallocate() }
    }
}

/// An id as a hashable value, packed inline (the in-memory store's key).
struct IDKey: Hashable {
    var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0
    var count: UInt8 = 0

    init(_ bytes: [UInt8]) {
        count = UInt8(truncatingIfNeeded: bytes.count)
        let n = min(bytes.count, RecordDraft.maxIDLength)
        guard n > 0 else { return }
        bytes.withUnsafeBytes { source in
            withUnsafeMutableBytes(of: &self) { raw in raw.baseAddress!.copyMemory(from: source.baseAddress!, byteCount: n) }
        }
    }
}

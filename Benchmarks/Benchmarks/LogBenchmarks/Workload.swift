import Foundation
import OrientirLog

/// Deterministic pseudo-random numbers (SplitMix64): every run appends the same bytes.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// Records shaped like the platform's events: a 16-byte random id (a UUID's bytes), a `person-…` stream,
/// and a 200-byte JSON-ish payload mixing a small vocabulary (types, fields, municipalities, professions)
/// with numbers, dates and ids, so that LZ4 over a 1,000-record batch compresses about as it does on the
/// generated region files (a few times, not the hundreds of times zeros would).
enum Workload {
    static let payloadLength = 200

    static let types = [
        "ProfTrialCompleted", "RouteChosen", "ConsultationHeld", "ExcursionVisited", "DiagnosticPassed",
        "OpenDayAttended", "MasterClassAttended", "PortfolioUpdated", "ProfTrialRegistered", "EventRetracted",
    ]
    static let municipalities = [
        "kazan", "naberezhnye-chelny", "nizhnekamsk", "almetyevsk", "zelenodolsk", "bugulma", "yelabuga",
        "leninogorsk", "chistopol", "zainsk", "aznakayevo", "nurlat", "buinsk", "arsk", "mamadysh",
    ]
    static let professions = [
        "svarshchik", "programmist", "vrach", "uchitel", "inzhener-konstruktor", "povar", "elektrik",
        "agronom", "logist", "dizainer", "medsestra", "operator-chpu", "laborant", "mekhanik", "ekonomist",
        "tekhnolog", "arkhitektor", "zhurnalist", "yurist", "biotekhnolog",
    ]
    static let formats = ["ochno", "distantsionno", "smeshanno"]
    static let organizers = ["kolledzh", "vuz", "predpriyatie", "tsentr-kompetentsiy", "shkola", "kvantorium"]
    static let words = [
        "proba", "uchastnik", "nastavnik", "gruppa", "zanyatie", "rezultat", "otsenka", "uroven", "bazovyi",
        "prodvinutyi", "otmetka", "zachet", "profil", "napravlenie", "klass", "smena",
    ]

    /// Exactly `payloadLength` bytes of JSON-ish text for record number `n`.
    static func payload(_ n: Int, rng: inout SplitMix64) -> [UInt8] {
        let month = 1 + rng.below(12)
        let day = 1 + rng.below(28)
        let hour = 8 + rng.below(10)
        let minute = rng.below(60)
        var s = "{\"type\":\"\(rng.pick(types))\",\"personId\":\"p-\(100_000 + rng.below(50_000))\""
        s += ",\"orgId\":\"o-\(1000 + rng.below(900))\",\"municipality\":\"\(rng.pick(municipalities))\""
        s += ",\"grade\":\(6 + rng.below(6)),\"occurredAt\":\"2025-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):00+03:00\""
        s += ",\"profession\":\"\(rng.pick(professions))\",\"format\":\"\(rng.pick(formats))\""
        s += ",\"organizer\":\"\(rng.pick(organizers))\",\"score\":\(rng.below(101)),\"note\":\""
        var bytes = Array(s.utf8)
        while bytes.count < payloadLength - 2 {
            bytes.append(contentsOf: rng.pick(words).utf8)
            bytes.append(UInt8(ascii: " "))
        }
        bytes.removeLast(bytes.count - (payloadLength - 2))
        bytes.append(contentsOf: "\"}".utf8)
        return bytes
    }

    static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }

    /// A random 16-byte id, like an event's UUID.
    static func id(rng: inout SplitMix64) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16)
        for _ in 0..<2 { withUnsafeBytes(of: rng.next()) { out.append(contentsOf: $0) } }
        return out
    }

    /// `count` drafts; `seed` keeps ids of different calls apart.
    static func drafts(_ count: Int, seed: UInt64) -> [RecordDraft] {
        var rng = SplitMix64(seed: seed)
        var out: [RecordDraft] = []
        out.reserveCapacity(count)
        for n in 0..<count {
            let id = id(rng: &rng)
            let stream = "person-p-\(100_000 + rng.below(50_000))"
            out.append(RecordDraft(id: id, stream: stream, payload: payload(n, rng: &rng)))
        }
        return out
    }

    /// `count` drafts cut into appends of `batch` records each.
    static func batches(_ count: Int, of batch: Int, seed: UInt64) -> [[RecordDraft]] {
        let all = drafts(count, seed: seed)
        return stride(from: 0, to: count, by: batch).map { Array(all[$0..<min($0 + batch, count)]) }
    }
}

/// Store directories under /tmp, removed after use.
enum Scratch {
    static let root = "/tmp/orientir-bench-\(getpid())"
    nonisolated(unsafe) private static var counter = 0
    private static let lock = NSLock()

    /// A fresh, empty store directory.
    static func newStore(_ name: String) throws -> String {
        let n = lock.withLock {
            counter += 1
            return counter
        }
        let dir = "\(root)/\(name)-\(n)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileLog.create(at: dir)
        return dir
    }

    static func remove(_ dir: String) {
        try? FileManager.default.removeItem(atPath: dir)
    }

    static func removeAll() {
        try? FileManager.default.removeItem(atPath: root)
    }
}

/// Monotonic nanoseconds.
@inline(__always)
func nowNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A one-line progress bar on stderr (events/s, bytes, ETA), drawn only when stderr is a terminal.
struct Progress {
    private let label: String
    private let totalBytes: Int
    private let enabled: Bool
    private let started = DispatchTime.now().uptimeNanoseconds
    private var lastDraw: UInt64 = 0

    init(label: String, totalBytes: Int) {
        self.label = label
        self.totalBytes = totalBytes
        enabled = Diagnostics.stderrIsTerminal
    }

    var elapsedSeconds: Double { Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9 }

    mutating func update(bytes: Int, events: Int) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        guard now - lastDraw > 100_000_000 else { return }
        lastDraw = now
        let seconds = max(elapsedSeconds, 1e-6)
        let fraction = totalBytes > 0 ? min(1, Double(bytes) / Double(totalBytes)) : 0
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let eta = fraction > 0 ? seconds / fraction - seconds : 0
        let line = String(format: "\r%@ %@ %3.0f%%  %.0f events/s  %.1f/%.1f MB  ETA %.0f s  ",
                          label, bar, fraction * 100, Double(events) / seconds, Double(bytes) / 1e6,
                          Double(totalBytes) / 1e6, eta)
        _ = line.withCString { write(2, $0, strlen($0)) }
    }

    func finish() {
        guard enabled else { return }
        _ = "\r\u{1B}[K".withCString { write(2, $0, strlen($0)) }
    }
}

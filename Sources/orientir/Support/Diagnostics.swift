#if canImport(Glibc)
import Glibc
#endif
import OrientirEvents
import OrientirLog

/// Exit codes that mean something to scripts.
enum ExitStatus: Int32 {
    case ok = 0
    case failure = 1
    case usage = 2
    case rejected = 3
    case conflict = 4
    case damaged = 5
    case locked = 6

    static func `for`(_ error: LogError) -> ExitStatus {
        switch error.code {
        case .versionConflict, .idConflict: .conflict
        case .corrupt, .signature: .damaged
        case .locked: .locked
        case .invalidArgument: .usage
        default: .failure
        }
    }
}

/// A command's failure with the message to print and the exit code to leave with.
struct CommandFailure: Error {
    var message: String
    var status: ExitStatus
    init(_ message: String, status: ExitStatus = .failure) {
        self.message = message
        self.status = status
    }
}

enum Diagnostics {
    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    /// Ends a successful command now, its output written: read models of hundreds of megabytes are not freed
    /// array by array on the way out (a tenth of a second after a rebuild), the system takes the memory back whole.
    static func exitLeavingMemoryToTheSystem() -> Never {
        fflush(nil)
        exit(0)
    }

    /// One line on stderr.
    static func note(_ text: String) {
        let line = text + "\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
    }

    static func fail(_ message: String, code: ExitStatus) -> Never {
        note("orientir: error: " + message)
        exit(code.rawValue)
    }
}

/// Buffered writing to stdout: NDJSON output of millions of lines goes out in large writes.
struct StandardOutput {
    private var buffer: [UInt8] = []
    private let limit = 1 << 20

    init() { buffer.reserveCapacity(limit + 4096) }

    mutating func append(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= limit { flush() }
    }

    mutating func append(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= limit { flush() }
    }

    /// Lets a writer fill the buffer directly.
    mutating func withBuffer(_ body: (inout [UInt8]) -> Void) {
        body(&buffer)
        if buffer.count >= limit { flush() }
    }

    mutating func flush() {
        buffer.withUnsafeBytes { StandardOutput.writeUnbuffered($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes `bytes` to stdout, unbuffered.
    static func writeUnbuffered(_ bytes: UnsafeRawBufferPointer) {
        var done = 0
        while done < bytes.count {
            let n = write(1, bytes.baseAddress! + done, bytes.count - done)
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                // The reader went away (`| head`): it has all it wanted, which is not a failure.
                exit(n < 0 && errno == EPIPE ? ExitStatus.ok.rawValue : ExitStatus.failure.rawValue)
            }
            done += n
        }
    }
}

/// RFC 3339 in UTC with microseconds, the form `recordedAt` is shown in.
enum Instant {
    static func format(microseconds: Int64) -> String {
        let seconds = microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000
        let micros = microseconds - seconds * 1_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(LocalDate(daysSinceEpoch: Int(days)))T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2))"
            + ":\(pad(secondOfDay % 60, 2)).\(pad(micros, 6))Z"
    }
}

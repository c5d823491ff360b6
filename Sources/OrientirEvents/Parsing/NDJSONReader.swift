#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams the lines of an NDJSON file in large chunks, never holding the whole file.
///
/// A leading UTF-8 byte-order mark is skipped, lines end in LF or CRLF, blank lines (empty or only spaces and
/// tabs) are skipped but counted, so line numbers match what an editor shows.
///
/// ```swift
/// try NDJSONReader.forEachLine(inFile: "region.ndjson") { lineNumber, line in
///     let event = try parser.parse(line: line, lineNumber: lineNumber, file: "region.ndjson")
/// }
/// ```
public enum NDJSONReader {
    /// Default read size: 4 MiB.
    public static let defaultChunkSize = 4 << 20

    /// Calls `body` with the 1-based number and the bytes (terminator excluded) of every non-blank line of the file.
    /// The bytes are valid only during the call. Memory stays at `chunkSize` unless one line is longer.
    public static func forEachLine(
        inFile path: String, chunkSize: Int = defaultChunkSize,
        _ body: (_ lineNumber: Int, _ line: UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw NDJSONReaderError(path: path, errno: errno, operation: "open") }
        defer { close(descriptor) }
        try forEachLine(
            reading: { buffer throws(NDJSONReaderError) in
                while true {
                    let count = read(descriptor, buffer.baseAddress, buffer.count)
                    if count >= 0 { return count }
                    if errno != EINTR { throw NDJSONReaderError(path: path, errno: errno, operation: "read") }
                }
            }, chunkSize: chunkSize, body)
    }

    /// Splits what `read` produces into lines; `read` fills a buffer and returns the byte count, 0 at the end.
    public static func forEachLine(
        reading read: (UnsafeMutableRawBufferPointer) throws -> Int, chunkSize: Int = defaultChunkSize,
        _ body: (_ lineNumber: Int, _ line: UnsafeRawBufferPointer) throws -> Void
    ) throws {
        var capacity = max(chunkSize, 16)
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        var filled = 0
        var lineNumber = 0
        var atStart = true
        var endOfInput = false
        while !endOfInput {
            if filled == capacity {
                // One line longer than the buffer: grow it, the only way memory exceeds the chunk size.
                let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity * 2, alignment: 16)
                larger.copyMemory(from: UnsafeRawBufferPointer(buffer))
                buffer.deallocate()
                buffer = larger
                capacity *= 2
            }
            let count = try read(UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<capacity]))
            if count == 0 { endOfInput = true }
            filled += count
            var start = 0
            if atStart, filled >= 3 || endOfInput {
                atStart = false
                if filled >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
            } else if atStart {
                continue
            }
            let base = UnsafeRawPointer(buffer.baseAddress!)
            while start < filled {
                let newline = memchr(base + start, 0x0A, filled - start)
                guard let newline else {
                    if !endOfInput { break }
                    lineNumber += 1
                    try emit(UnsafeRawBufferPointer(start: base + start, count: filled - start), lineNumber, body)
                    start = filled
                    break
                }
                let end = UnsafeRawPointer(newline) - base
                lineNumber += 1
                try emit(UnsafeRawBufferPointer(start: base + start, count: end - start), lineNumber, body)
                start = end + 1
            }
            if start > 0 {
                let remaining = filled - start
                if remaining > 0 { memmove(buffer.baseAddress!, base + start, remaining) }
                filled = remaining
            }
        }
    }

    @inline(__always)
    private static func emit(
        _ line: UnsafeRawBufferPointer, _ lineNumber: Int,
        _ body: (_ lineNumber: Int, _ line: UnsafeRawBufferPointer) throws -> Void
    ) rethrows {
        var count = line.count
        if count > 0, line[count - 1] == 0x0D { count -= 1 }
        var blank = true
        for index in 0..<count where line[index] != 0x20 && line[index] != 0x09 {
            blank = false
            break
        }
        if blank { return }
        try body(lineNumber, UnsafeRawBufferPointer(rebasing: line[0..<count]))
    }
}

/// The file could not be opened or read.
public struct NDJSONReaderError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let errno: Int32
    public let operation: String

    public var description: String {
        "\(path): cannot \(operation): \(String(cString: strerror(errno)))"
    }
}

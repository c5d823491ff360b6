/// A strict RFC 8259 scanner over the bytes of one line. It never allocates on the valid path: strings come back
/// as spans of the line, numbers as doubles, and the caller decides what to build.
struct JSONCursor {
    let bytes: UnsafeRawBufferPointer
    var position: Int

    init(_ bytes: UnsafeRawBufferPointer, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var isAtEnd: Bool { position >= bytes.count }

    /// The current byte, or 0 at the end (0 is never valid JSON outside a string).
    @inline(__always)
    var current: UInt8 {
        position < bytes.count ? bytes[position] : 0
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// Consumes `byte` (after whitespace) or fails naming what was expected.
    @inline(__always)
    mutating func expect(_ byte: UInt8, _ path: @autoclosure () -> String) throws(Violation) {
        skipWhitespace()
        guard current == byte else {
            throw syntaxError(path(), "expected '\(Character(Unicode.Scalar(byte)))'")
        }
        position += 1
    }

    func syntaxError(_ path: String, _ what: String) -> Violation {
        if position >= bytes.count {
            return Violation(.malformedJSON, path.isEmpty ? "line" : path, "invalid JSON: \(what), found the end of the line")
        }
        let byte = bytes[position]
        let found = byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
        return Violation(
            .malformedJSON, path.isEmpty ? "line" : path,
            "invalid JSON at column \(position + 1): \(what), found \(found)")
    }

    // MARK: Strings

    /// A string as it appears in the line, quotes excluded.
    struct StringToken {
        let start: Int
        let end: Int
        /// Number of Unicode scalars once escapes are decoded.
        let scalars: Int
        let hasEscapes: Bool
    }

    /// Reads a string whose opening quote is the current byte, validating escapes and UTF-8.
    mutating func readString(_ path: @autoclosure () -> String) throws(Violation) -> StringToken {
        position += 1
        let start = position
        var scalars = 0
        var hasEscapes = false
        let count = bytes.count
        let base = bytes.baseAddress!
        while true {
            // Eight plain ASCII bytes at a time: no quote, backslash, control or non-ASCII byte.
            while position + 8 <= count {
                let word = base.loadUnaligned(fromByteOffset: position, as: UInt64.self)
                let high: UInt64 = 0x8080_8080_8080_8080
                let ones: UInt64 = 0x0101_0101_0101_0101
                let quote = word ^ 0x2222_2222_2222_2222
                let backslash = word ^ 0x5C5C_5C5C_5C5C_5C5C
                let special =
                    (word | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
                        | ((word &- 0x2020_2020_2020_2020) & ~word)) & high
                if special != 0 {
                    // The lowest flagged byte is exact (borrows only flag bytes above it): skip the plain ones.
                    let plain = special.trailingZeroBitCount >> 3
                    position += plain
                    scalars += plain
                    break
                }
                position += 8
                scalars += 8
            }
            guard position < count else { throw syntaxError(path(), "unterminated string") }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let token = StringToken(start: start, end: position, scalars: scalars, hasEscapes: hasEscapes)
                position += 1
                return token
            } else if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                try readEscape(path())
                scalars += 1
            } else if byte < 0x20 {
                throw syntaxError(path(), "control character in a string")
            } else if byte < 0x80 {
                position += 1
                scalars += 1
            } else {
                try readUTF8Sequence(path())
                scalars += 1
            }
        }
    }

    private mutating func readEscape(_ path: @autoclosure () -> String) throws(Violation) {
        position += 1
        switch current {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 1
        case UInt8(ascii: "u"):
            position += 1
            let unit = try readHex4(path())
            if (0xD800...0xDBFF).contains(unit) {
                guard current == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u")
                else { throw Violation(.invalidUTF8, path(), "a \\u escape is an unpaired surrogate") }
                position += 2
                let low = try readHex4(path())
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw Violation(.invalidUTF8, path(), "a \\u escape is an unpaired surrogate")
                }
            } else if (0xDC00...0xDFFF).contains(unit) {
                throw Violation(.invalidUTF8, path(), "a \\u escape is an unpaired surrogate")
            }
        default:
            throw syntaxError(path(), "invalid escape")
        }
    }

    private mutating func readHex4(_ path: @autoclosure () -> String) throws(Violation) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = hexValue(current) else { throw syntaxError(path(), "invalid \\u escape") }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// Validates one multi-byte UTF-8 sequence (Unicode Table 3-7: no overlongs, surrogates or values past U+10FFFF).
    private mutating func readUTF8Sequence(_ path: @autoclosure () -> String) throws(Violation) {
        let lead = bytes[position]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw invalidUTF8(path())
        }
        guard position + length <= bytes.count else { throw invalidUTF8(path()) }
        let second = bytes[position + 1]
        guard second >= low, second <= high else { throw invalidUTF8(path()) }
        for offset in 2..<max(2, length) where bytes[position + offset] & 0xC0 != 0x80 {
            throw invalidUTF8(path())
        }
        position += length
    }

    private func invalidUTF8(_ path: String) -> Violation {
        Violation(.invalidUTF8, path.isEmpty ? "line" : path, "invalid UTF-8 at column \(position + 1)")
    }

    /// The string's bytes as they appear in the line (escapes not decoded).
    @inline(__always)
    func span(of token: StringToken) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: bytes.baseAddress! + token.start, count: token.end - token.start)
    }

    /// Runs `body` with the string's bytes, escapes decoded (the line's own bytes when there are none).
    func withDecoded<R>(_ token: StringToken, _ body: (UnsafeRawBufferPointer) throws(Violation) -> R) throws(Violation) -> R {
        let span = UnsafeRawBufferPointer(rebasing: bytes[token.start..<token.end])
        guard token.hasEscapes else { return try body(span) }
        let decoded = JSONCursor.unescape(span)
        let result: Result<R, Violation> = decoded.withUnsafeBytes { buffer in
            do throws(Violation) { return .success(try body(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Decodes the escapes of an already validated string body.
    static func unescape(_ span: UnsafeRawBufferPointer) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(span.count)
        var index = 0
        func hex4(_ at: Int) -> UInt32 {
            (0..<4).reduce(0) { $0 << 4 | UInt32(hexValue(span[at + $1])!) }
        }
        while index < span.count {
            let byte = span[index]
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                index += 1
                continue
            }
            let escaped = span[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(index)
                index += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    let low = hex4(index + 2)
                    index += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                output.append(contentsOf: Unicode.UTF8.encode(Unicode.Scalar(scalar)!)!)
            default: output.append(escaped)
            }
        }
        return output
    }

    /// Text of a string token for messages: quoted, as decoded.
    func quoted(_ token: StringToken) -> String {
        let span = UnsafeRawBufferPointer(rebasing: bytes[token.start..<token.end])
        let text = token.hasEscapes ? String(decoding: JSONCursor.unescape(span), as: UTF8.self)
            : String(decoding: span, as: UTF8.self)
        return "\"" + text + "\""
    }

    // MARK: Numbers

    /// A number and where it was written.
    struct NumberToken {
        let value: Double
        let start: Int
        let end: Int
    }

    /// Reads a number starting at the current byte (`-` or a digit).
    mutating func readNumber(_ path: @autoclosure () -> String) throws(Violation) -> NumberToken {
        let start = position
        let count = bytes.count
        var negative = false
        if current == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var truncated = false
        @inline(__always) func addDigit(_ digit: UInt8, fractional: Bool) {
            if digits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(digit)
                if mantissa != 0 { digits += 1 }
                if fractional { exponent -= 1 }
            } else {
                if digit != 0 { truncated = true }
                if !fractional { exponent += 1 }
            }
        }
        guard position < count, case let first = bytes[position] &- UInt8(ascii: "0"), first < 10 else {
            throw syntaxError(path(), "expected a digit")
        }
        position += 1
        addDigit(first, fractional: false)
        if first != 0 {
            while position < count, case let digit = bytes[position] &- UInt8(ascii: "0"), digit < 10 {
                addDigit(digit, fractional: false)
                position += 1
            }
        }
        if position < count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            let fractionStart = position
            while position < count, case let digit = bytes[position] &- UInt8(ascii: "0"), digit < 10 {
                addDigit(digit, fractional: true)
                position += 1
            }
            guard position > fractionStart else { throw syntaxError(path(), "expected a digit after '.'") }
        }
        if position < count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            var exponentNegative = false
            if position < count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                exponentNegative = bytes[position] == UInt8(ascii: "-")
                position += 1
            }
            let exponentStart = position
            var written = 0
            while position < count, case let digit = bytes[position] &- UInt8(ascii: "0"), digit < 10 {
                if written < 100_000 { written = written * 10 + Int(digit) }
                position += 1
            }
            guard position > exponentStart else { throw syntaxError(path(), "expected a digit in the exponent") }
            exponent += exponentNegative ? -written : written
        }
        switch current {
        case 0, 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"): break
        default: throw syntaxError(path(), "invalid number")
        }
        var value: Double
        if mantissa == 0 {
            value = 0
        } else if !truncated, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
            // Clinger's fast path: both operands exact, one correctly rounded operation.
            value = Double(mantissa)
            if exponent < 0 { value /= powersOfTen[-exponent] } else { value *= powersOfTen[exponent] }
            if negative { value = -value }
        } else {
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
            value = Double(text) ?? .infinity
        }
        guard value.isFinite else {
            throw Violation(.outOfRange, path(), "\(rawText(start, position)) is too large")
        }
        return NumberToken(value: value, start: start, end: position)
    }

    func rawText(_ start: Int, _ end: Int) -> String {
        let shown = min(end, start + 60)
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<shown]), as: UTF8.self)
        return shown < end ? text + "…" : text
    }

    // MARK: Any value

    /// Skips one value of any kind, validating it; returns where it started.
    @discardableResult
    mutating func skipValue(_ path: @autoclosure () -> String, depth: Int = 0) throws(Violation) -> Int {
        skipWhitespace()
        let start = position
        guard depth < 64 else { throw syntaxError(path(), "values nested too deeply") }
        switch current {
        case UInt8(ascii: "\""):
            _ = try readString(path())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            _ = try readNumber(path())
        case UInt8(ascii: "t"): try readLiteral("true", path())
        case UInt8(ascii: "f"): try readLiteral("false", path())
        case UInt8(ascii: "n"): try readLiteral("null", path())
        case UInt8(ascii: "["):
            position += 1
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                position += 1
                return start
            }
            while true {
                try skipValue(path(), depth: depth + 1)
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(UInt8(ascii: "]"), path())
                return start
            }
        case UInt8(ascii: "{"):
            position += 1
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                position += 1
                return start
            }
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else { throw syntaxError(path(), "expected a key") }
                _ = try readString(path())
                try expect(UInt8(ascii: ":"), path())
                try skipValue(path(), depth: depth + 1)
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(UInt8(ascii: "}"), path())
                return start
            }
        default:
            throw syntaxError(path(), "expected a value")
        }
        return start
    }

    mutating func readLiteral(_ literal: StaticString, _ path: @autoclosure () -> String) throws(Violation) {
        let length = literal.utf8CodeUnitCount
        guard position + length <= bytes.count,
            bytesEqual(bytes.baseAddress! + position, literal.utf8Start, length)
        else { throw syntaxError(path(), "expected a value") }
        position += length
    }
}

@inline(__always)
func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte &- UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte &- UInt8(ascii: "a") &+ 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte &- UInt8(ascii: "A") &+ 10
    default: nil
    }
}

let powersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
    1e20, 1e21, 1e22,
]

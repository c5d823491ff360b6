/// An RFC 3339 date-time with offset, as `occurredAt` carries it.
///
/// It renders back to exactly the text it was read from (offset, `Z` and fraction digits included), while
/// also answering the UTC instant and the calendar date as written in its own offset.
///
/// ```swift
/// let t = Timestamp("2024-03-14T10:00:00+03:00")!
/// t.localDate        // 2024-03-14
/// t.epochMicroseconds // 1710399600000000
/// ```
public struct Timestamp: Hashable, Sendable, CustomStringConvertible {
    /// How the offset was written.
    enum OffsetStyle: UInt8, Sendable {
        case zulu = 0
        case plus = 1
        case minus = 2
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    public let epochSeconds: Int64
    /// Offset from UTC in minutes, as written (negative west of Greenwich).
    public let offsetMinutes: Int
    /// The fraction digits as an integer (`.050` is 50 with three digits).
    let fraction: UInt64
    /// Number of fraction digits written; 0 when there is no fraction.
    let fractionDigits: UInt8
    let offsetStyle: OffsetStyle

    init(epochSeconds: Int64, offsetMinutes: Int, fraction: UInt64, fractionDigits: UInt8, offsetStyle: OffsetStyle) {
        self.epochSeconds = epochSeconds
        self.offsetMinutes = offsetMinutes
        self.fraction = fraction
        self.fractionDigits = fractionDigits
        self.offsetStyle = offsetStyle
    }

    /// Parses RFC 3339 text; `nil` if it is not a valid date-time with offset.
    public init?(_ text: String) {
        var text = text
        let result = text.withUTF8 { Timestamp.parse(UnsafeRawBufferPointer($0)) }
        guard case .success(let timestamp) = result else { return nil }
        self = timestamp
    }

    /// Microseconds since the epoch (fraction digits beyond the sixth are truncated).
    public var epochMicroseconds: Int64 {
        var micros: UInt64 = fraction
        var digits = Int(fractionDigits)
        while digits > 6 {
            micros /= 10
            digits -= 1
        }
        while digits < 6 {
            micros *= 10
            digits += 1
        }
        return epochSeconds * 1_000_000 + Int64(micros)
    }

    /// The calendar date as written, in the timestamp's own offset.
    public var localDate: LocalDate {
        LocalDate(daysSinceEpoch: Int(floorDivide(localSeconds, 86_400)))
    }

    var localSeconds: Int64 { epochSeconds + Int64(offsetMinutes) * 60 }

    /// The exact text it was read from.
    public var text: String { description }

    public var description: String {
        ByteBuffer.withScratch(size: 64) { buffer in
            write(into: &buffer)
            return String(decoding: buffer.bytes, as: UTF8.self)
        }
    }

    /// Appends the exact text to `buffer`.
    @inline(__always)
    func write(into buffer: inout ByteBuffer) {
        let local = localSeconds
        let days = floorDivide(local, 86_400)
        let secondOfDay = Int(local - days * 86_400)
        let date = LocalDate(daysSinceEpoch: Int(days))
        buffer.reserve(26 + Int(fractionDigits))
        date.write(into: &buffer)
        buffer.appendUnchecked(UInt8(ascii: "T"))
        buffer.appendDigits(secondOfDay / 3600, width: 2)
        buffer.appendUnchecked(UInt8(ascii: ":"))
        buffer.appendDigits(secondOfDay / 60 % 60, width: 2)
        buffer.appendUnchecked(UInt8(ascii: ":"))
        buffer.appendDigits(secondOfDay % 60, width: 2)
        if fractionDigits > 0 {
            buffer.appendUnchecked(UInt8(ascii: "."))
            var remaining = fraction
            let start = buffer.count
            var index = start + Int(fractionDigits) - 1
            while index >= start {
                buffer.set(UInt8(ascii: "0") + UInt8(remaining % 10), at: index)
                remaining /= 10
                index -= 1
            }
            buffer.skip(Int(fractionDigits))
        }
        switch offsetStyle {
        case .zulu:
            buffer.appendUnchecked(UInt8(ascii: "Z"))
        case .plus, .minus:
            buffer.appendUnchecked(UInt8(ascii: offsetStyle == .plus ? "+" : "-"))
            let magnitude = abs(offsetMinutes)
            buffer.appendDigits(magnitude / 60, width: 2)
            buffer.appendUnchecked(UInt8(ascii: ":"))
            buffer.appendDigits(magnitude % 60, width: 2)
        }
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`: uppercase `T` and `Z`, a real calendar date,
    /// hours 00–23, minutes and seconds 00–59 (no leap second), offsets up to ±23:59, at most 18 fraction digits.
    static func parse(_ text: UnsafeRawBufferPointer) -> Result<Timestamp, TimestampError> {
        let count = text.count
        guard count >= 20 else { return .failure(.init("it is too short")) }
        guard text[4] == UInt8(ascii: "-"), text[7] == UInt8(ascii: "-"), text[10] == UInt8(ascii: "T"),
            text[13] == UInt8(ascii: ":"), text[16] == UInt8(ascii: ":"),
            let year = decimal(text, 0, 4), let month = decimal(text, 5, 2), let day = decimal(text, 8, 2),
            let hour = decimal(text, 11, 2), let minute = decimal(text, 14, 2), let second = decimal(text, 17, 2)
        else { return .failure(.init("it is not of the form YYYY-MM-DDTHH:MM:SS followed by an offset")) }
        guard let date = LocalDate(year: year, month: month, day: day) else {
            return .failure(.init("\(fourDigits(year))-\(twoDigits(month))-\(twoDigits(day)) is not a calendar date"))
        }
        guard hour < 24, minute < 60, second < 60 else {
            return .failure(.init("\(twoDigits(hour)):\(twoDigits(minute)):\(twoDigits(second)) is not a time of day"))
        }
        var index = 19
        var fraction: UInt64 = 0
        var fractionDigits: UInt8 = 0
        if text[index] == UInt8(ascii: ".") {
            index += 1
            while index < count, case let digit = text[index] &- UInt8(ascii: "0"), digit < 10 {
                guard fractionDigits < 18 else { return .failure(.init("the fraction has more than 18 digits")) }
                fraction = fraction * 10 + UInt64(digit)
                fractionDigits += 1
                index += 1
            }
            guard fractionDigits > 0 else { return .failure(.init("the fraction has no digits")) }
        }
        guard index < count else { return .failure(.init("the offset is missing")) }
        let style: OffsetStyle
        var offset = 0
        switch text[index] {
        case UInt8(ascii: "Z"):
            style = .zulu
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            style = text[index] == UInt8(ascii: "+") ? .plus : .minus
            guard count - index == 6, text[index + 3] == UInt8(ascii: ":"),
                let offsetHours = decimal(text, index + 1, 2), let offsetMinutes = decimal(text, index + 4, 2)
            else { return .failure(.init("the offset is not Z or ±hh:mm")) }
            guard offsetHours < 24, offsetMinutes < 60 else {
                return .failure(.init("the offset is not Z or ±hh:mm"))
            }
            offset = (offsetHours * 60 + offsetMinutes) * (style == .plus ? 1 : -1)
            index += 6
        default:
            return .failure(.init("the offset is not Z or ±hh:mm"))
        }
        guard index == count else { return .failure(.init("there is text after the offset")) }
        let local = Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return .success(
            Timestamp(
                epochSeconds: local - Int64(offset) * 60, offsetMinutes: offset, fraction: fraction,
                fractionDigits: fractionDigits, offsetStyle: style))
    }
}

/// Why a text is not an RFC 3339 date-time.
struct TimestampError: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

@inline(__always)
func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
    let quotient = value / divisor
    return (value % divisor < 0) ? quotient - 1 : quotient
}

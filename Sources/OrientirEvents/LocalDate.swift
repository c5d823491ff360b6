/// A calendar date without time or offset, `YYYY-MM-DD` (years 0000–9999, proleptic Gregorian).
public struct LocalDate: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// `nil` unless the three parts name a real calendar date.
    public init?(year: Int, month: Int, day: Int) {
        guard (0...9999).contains(year), (1...12).contains(month),
            day >= 1, day <= LocalDate.daysIn(month: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init?(_ text: String) {
        var text = text
        guard let date = text.withUTF8({ LocalDate(utf8: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = date
    }

    init?(utf8 text: UnsafeRawBufferPointer) {
        guard text.count == 10, text[4] == UInt8(ascii: "-"), text[7] == UInt8(ascii: "-"),
            let year = decimal(text, 0, 4), let month = decimal(text, 5, 2), let day = decimal(text, 8, 2)
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Days since 1970-01-01 (negative before it).
    public var daysSinceEpoch: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `days` days after 1970-01-01.
    public init(daysSinceEpoch days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        self.year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.month = month
        self.day = day
    }

    /// The academic year (1 September – 31 August) this date falls in.
    public var academicYear: AcademicYear {
        AcademicYear(startYear: month >= 9 ? year : year - 1)
    }

    public var description: String {
        ByteBuffer.withScratch(size: 16) { buffer in
            write(into: &buffer)
            return String(decoding: buffer.bytes, as: UTF8.self)
        }
    }

    /// Appends `YYYY-MM-DD`.
    @inline(__always)
    func write(into buffer: inout ByteBuffer) {
        if (0...9999).contains(year) { buffer.appendDigits(year, width: 4) } else { buffer.append(utf8: fourDigits(year)) }
        buffer.append(UInt8(ascii: "-"))
        buffer.appendDigits(month, width: 2)
        buffer.append(UInt8(ascii: "-"))
        buffer.appendDigits(day, width: 2)
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    static func isLeap(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// An academic year `YYYY-YY` ("2023-24"), running 1 September to 31 August.
public struct AcademicYear: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The calendar year in which it starts (2023 for "2023-24").
    public let startYear: Int

    public init(startYear: Int) {
        self.startYear = startYear
    }

    /// Parses `YYYY-YY`; the second part must be the first plus one, modulo 100 ("2099-00").
    public init?(_ text: String) {
        var text = text
        guard let year = text.withUTF8({ AcademicYear(utf8: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = year
    }

    init?(utf8 text: UnsafeRawBufferPointer) {
        guard text.count == 7, text[4] == UInt8(ascii: "-"),
            let first = decimal(text, 0, 4), let second = decimal(text, 5, 2),
            second == (first + 1) % 100
        else { return nil }
        self.init(startYear: first)
    }

    /// The academic year containing `date`.
    public init(containing date: LocalDate) {
        self = date.academicYear
    }

    /// 1 September of the start year.
    public var firstDay: LocalDate { LocalDate(year: startYear, month: 9, day: 1)! }
    /// 31 August of the following year.
    public var lastDay: LocalDate { LocalDate(year: startYear + 1, month: 8, day: 31)! }

    public func contains(_ date: LocalDate) -> Bool { date.academicYear == self }

    /// The academic year `offset` years later (earlier if negative).
    public func advanced(by offset: Int) -> AcademicYear { AcademicYear(startYear: startYear + offset) }

    public var description: String {
        ByteBuffer.withScratch(size: 16) { buffer in
            write(into: &buffer)
            return String(decoding: buffer.bytes, as: UTF8.self)
        }
    }

    /// Appends `YYYY-YY`.
    @inline(__always)
    func write(into buffer: inout ByteBuffer) {
        let next = (startYear + 1) % 100
        guard (0...9999).contains(startYear), next >= 0 else {
            buffer.append(utf8: fourDigits(startYear) + "-" + twoDigits(next))
            return
        }
        buffer.appendDigits(startYear, width: 4)
        buffer.append(UInt8(ascii: "-"))
        buffer.appendDigits(next, width: 2)
    }

    public static func < (lhs: AcademicYear, rhs: AcademicYear) -> Bool { lhs.startYear < rhs.startYear }
}

/// The value of `count` ASCII digits at `offset`, or `nil` if any is not a digit.
@inline(__always)
func decimal(_ text: UnsafeRawBufferPointer, _ offset: Int, _ count: Int) -> Int? {
    var value = 0
    for index in offset..<(offset + count) {
        let digit = text[index] &- UInt8(ascii: "0")
        guard digit < 10 else { return nil }
        value = value * 10 + Int(digit)
    }
    return value
}

func twoDigits(_ value: Int) -> String {
    value < 10 ? "0\(value)" : "\(value)"
}

func fourDigits(_ value: Int) -> String {
    let text = "\(value)"
    return String(repeating: "0", count: max(0, 4 - text.count)) + text
}

/// The envelope `id`: a UUID, held as 16 bytes and written in lowercase canonical form (8-4-4-4-12).
public struct EventID: Hashable, Sendable, Comparable, CustomStringConvertible, BitwiseCopyable {
    /// The first eight bytes, big-endian.
    public let high: UInt64
    /// The last eight bytes, big-endian.
    public let low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Reads 16 bytes in network order; `nil` if there are not exactly 16.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 16 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            if index < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
        }
        self.init(high: high, low: low)
    }

    /// Reads 16 bytes in network order as two words; `nil` if there are not exactly 16. The form the log
    /// hands its records' ids in: no generic dispatch on the replay path.
    public init?(bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 16, let base = bytes.baseAddress else { return nil }
        self.init(high: UInt64(bigEndian: base.loadUnaligned(as: UInt64.self)),
                  low: UInt64(bigEndian: base.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
    }

    /// Parses the lowercase canonical form, e.g. `5f0c8a9e-2b1d-4c55-9a51-0c7e3f0b9a10`.
    public init?(_ text: String) {
        var text = text
        guard let id = text.withUTF8({ EventID(utf8: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = id
    }

    init?(utf8 text: UnsafeRawBufferPointer) {
        guard text.count == 36, text[8] == UInt8(ascii: "-"), text[13] == UInt8(ascii: "-"),
            text[18] == UInt8(ascii: "-"), text[23] == UInt8(ascii: "-")
        else { return nil }
        // Hex digits of the five groups; any byte that is not a lowercase hex digit sets bit 4 of `invalid`.
        var high: UInt64 = 0
        var low: UInt64 = 0
        var invalid: UInt8 = 0
        @inline(__always) func nibble(_ byte: UInt8) -> UInt64 {
            let digit = byte &- UInt8(ascii: "0")
            let letter = byte &- UInt8(ascii: "a")
            let value: UInt8 = digit < 10 ? digit : (letter < 6 ? letter &+ 10 : 0x10)
            invalid |= value
            return UInt64(value & 0xF)
        }
        for index in 0..<8 { high = high << 4 | nibble(text[index]) }
        for index in 9..<13 { high = high << 4 | nibble(text[index]) }
        for index in 14..<18 { high = high << 4 | nibble(text[index]) }
        for index in 19..<23 { low = low << 4 | nibble(text[index]) }
        for index in 24..<36 { low = low << 4 | nibble(text[index]) }
        guard invalid & 0x10 == 0 else { return nil }
        self.init(high: high, low: low)
    }

    /// The 16 bytes in network order, as the log record carries them.
    public var bytes: [UInt8] {
        // Copied from raw bytes: the standard library has that path specialized for bytes, while `repeating:` and
        // `unsafeUninitializedCapacity` look the array's generic metadata up on every call.
        withUnsafeBytes(of: (high.bigEndian, low.bigEndian)) { [UInt8]($0) }
    }

    public var description: String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            write(into: UnsafeMutableRawBufferPointer(buffer))
            return 36
        }
    }

    /// Writes the 36 characters of the canonical form.
    @inline(__always)
    func write(into buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count >= 36)
        let digits: StaticString = "0123456789abcdef"
        let hex = digits.utf8Start
        let output = buffer.baseAddress!
        @inline(__always) func put(_ word: UInt64, _ firstNibble: Int, _ nibbles: Int, at offset: Int) {
            for index in 0..<nibbles {
                let shift = UInt64(60 - 4 * (firstNibble + index))
                output.storeBytes(of: hex[Int((word >> shift) & 0xF)], toByteOffset: offset + index, as: UInt8.self)
            }
        }
        put(high, 0, 8, at: 0)
        output.storeBytes(of: UInt8(ascii: "-"), toByteOffset: 8, as: UInt8.self)
        put(high, 8, 4, at: 9)
        output.storeBytes(of: UInt8(ascii: "-"), toByteOffset: 13, as: UInt8.self)
        put(high, 12, 4, at: 14)
        output.storeBytes(of: UInt8(ascii: "-"), toByteOffset: 18, as: UInt8.self)
        put(low, 0, 4, at: 19)
        output.storeBytes(of: UInt8(ascii: "-"), toByteOffset: 23, as: UInt8.self)
        put(low, 4, 12, at: 24)
    }

    public static func < (lhs: EventID, rhs: EventID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}

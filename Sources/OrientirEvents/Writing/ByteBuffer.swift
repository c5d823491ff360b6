/// A growable byte buffer written through a raw pointer: it starts in caller-provided scratch memory (usually on
/// the stack) and moves to the heap only when that is too small. Writers fill it without per-byte capacity or
/// uniqueness checks and copy the result out once.
struct ByteBuffer {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var count: Int
    private var capacity: Int
    private var onHeap: Bool

    private init(scratch: UnsafeMutableRawBufferPointer) {
        base = scratch.baseAddress!
        count = 0
        capacity = scratch.count
        onHeap = false
    }

    /// An empty buffer on the heap, for a long-lived owner that calls ``releaseHeap()`` when done.
    init(heapCapacity: Int) {
        base = UnsafeMutableRawPointer.allocate(byteCount: max(heapCapacity, 16), alignment: 16)
        count = 0
        capacity = max(heapCapacity, 16)
        onHeap = true
    }

    /// Runs `body` with an empty buffer backed by `scratchSize` bytes of stack memory.
    @inline(__always)
    static func withScratch<R>(size scratchSize: Int = 1024, _ body: (inout ByteBuffer) -> R) -> R {
        withUnsafeTemporaryAllocation(byteCount: scratchSize, alignment: 16) { scratch in
            var buffer = ByteBuffer(scratch: scratch)
            defer { buffer.releaseHeap() }
            return body(&buffer)
        }
    }

    func releaseHeap() {
        if onHeap { base.deallocate() }
    }

    /// Forgets the bytes after the first `length`.
    @inline(__always)
    mutating func truncate(to length: Int) {
        count = length
    }

    /// The bytes written so far (valid until the next write).
    @inline(__always)
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(extra) }
    }

    @inline(never)
    private mutating func grow(_ extra: Int) {
        let newCapacity = max(capacity * 2, count + extra)
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        newBase.copyMemory(from: base, byteCount: count)
        if onHeap { base.deallocate() }
        base = newBase
        capacity = newCapacity
        onHeap = true
    }

    /// Appends without checking capacity: the caller reserved room.
    @inline(__always)
    mutating func appendUnchecked(_ byte: UInt8) {
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        appendUnchecked(byte)
    }

    @inline(__always)
    mutating func append(_ pointer: UnsafeRawPointer, count length: Int) {
        reserve(length)
        let target = base + count
        // Keys, names and literals are short: two overlapping words beat a call to memmove.
        if length >= 8, length <= 16 {
            target.storeBytes(of: pointer.loadUnaligned(as: UInt64.self), as: UInt64.self)
            (target + length - 8).storeBytes(
                of: pointer.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self), as: UInt64.self)
        } else {
            target.copyMemory(from: pointer, byteCount: length)
        }
        count += length
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let pointer = bytes.baseAddress else { return }
        append(pointer, count: bytes.count)
    }

    @inline(__always)
    mutating func append(_ literal: StaticString) {
        append(literal.utf8Start, count: literal.utf8CodeUnitCount)
    }

    /// Appends the UTF-8 bytes of `text`.
    @inline(__always)
    mutating func append(utf8 text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// Overwrites the byte at `offset` (already written).
    @inline(__always)
    mutating func set(_ byte: UInt8, at offset: Int) {
        base.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self)
    }

    /// Appends `value` in decimal.
    @inline(__always)
    mutating func appendDecimal(_ value: Int) {
        if value >= 0, value < 10 {
            append(UInt8(truncatingIfNeeded: 48 &+ value))
            return
        }
        appendDecimalSlow(value)
    }

    private mutating func appendDecimalSlow(_ value: Int) {
        reserve(20)
        if value < 0 { appendUnchecked(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits = 1
        var bound: UInt = 10
        while digits < 19, magnitude >= bound {  // an Int's magnitude is below 10^19
            digits += 1
            bound &*= 10
        }
        // Two digits per division, from the right.
        var index = count + digits
        while magnitude >= 10 {
            let pair = magnitude % 100
            magnitude /= 100
            index -= 2
            base.storeBytes(of: UInt8(truncatingIfNeeded: 48 &+ pair / 10), toByteOffset: index, as: UInt8.self)
            base.storeBytes(of: UInt8(truncatingIfNeeded: 48 &+ pair % 10), toByteOffset: index + 1, as: UInt8.self)
        }
        if index > count {
            base.storeBytes(of: UInt8(truncatingIfNeeded: 48 &+ magnitude), toByteOffset: count, as: UInt8.self)
        }
        count += digits
    }

    /// Appends exactly `width` decimal digits of a non-negative `value` (zero-padded).
    @inline(__always)
    mutating func appendDigits(_ value: Int, width: Int) {
        reserve(width)
        var remaining = value
        var index = count + width - 1
        while index >= count {
            base.storeBytes(of: UInt8(truncatingIfNeeded: 48 &+ remaining % 10), toByteOffset: index, as: UInt8.self)
            remaining /= 10
            index -= 1
        }
        count += width
    }

    /// Appends `text` as a JSON string: quotes, backslashes and control characters escaped, the rest as UTF-8.
    @inline(__always)
    mutating func appendJSONString(_ text: String) {
        var text = text
        text.withUTF8 { appendJSONString(UnsafeRawBufferPointer($0)) }
    }

    mutating func appendJSONString(_ utf8: UnsafeRawBufferPointer) {
        let length = utf8.count
        reserve(length + 2)
        appendUnchecked(UInt8(ascii: "\""))
        if let source = utf8.baseAddress {
            var index = 0
            while index < length {
                // Eight plain bytes at a time; from a word that may hold a byte to escape, one byte.
                if length - index >= 8 {
                    let word = source.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    if !Self.mayNeedEscaping(word) {
                        base.storeBytes(of: word, toByteOffset: count, as: UInt64.self)
                        count += 8
                        index += 8
                        continue
                    }
                }
                let byte = source.load(fromByteOffset: index, as: UInt8.self)
                index += 1
                if byte >= 0x20, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                    appendUnchecked(byte)
                } else {
                    appendEscaped(byte)
                    reserve(length - index + 1)  // the escape used more room than its byte had
                }
            }
        }
        appendUnchecked(UInt8(ascii: "\""))
    }

    /// Whether any of the eight bytes of `word` is a control character, a quote or a backslash (the classic
    /// "has zero byte" tests; exact, since only the question "any?" is asked).
    @inline(__always)
    private static func mayNeedEscaping(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZeroByte(_ x: UInt64) -> Bool { (x &- ones) & ~x & highBits != 0 }
        let hasControl = (word &- ones &* 0x20) & ~word & highBits != 0
        return hasControl || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C))
    }

    private mutating func appendEscaped(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): append(#"\""#)
        case UInt8(ascii: "\\"): append(#"\\"#)
        case 0x0A: append(#"\n"#)
        case 0x0D: append(#"\r"#)
        case 0x09: append(#"\t"#)
        case 0x08: append(#"\b"#)
        case 0x0C: append(#"\f"#)
        default:
            let digits: StaticString = "0123456789abcdef"
            append(#"\u00"#)
            append(digits.utf8Start[Int(byte >> 4)])
            append(digits.utf8Start[Int(byte & 0xF)])
        }
    }

    /// Integral values without fraction (`6`, not `6.0`); others in Swift's shortest round-trip form.
    @inline(__always)
    mutating func appendNumber(_ value: Double) {
        if let integer = exactInteger(value) {
            appendDecimal(integer)
        } else {
            append(utf8: value.description)
        }
    }
}

extension Array where Element == UInt8 {
    /// Appends the bytes written so far to `buffer`.
    @inline(__always)
    mutating func append(_ buffer: borrowing ByteBuffer) {
        append(contentsOf: UnsafeBufferPointer(start: buffer.base.assumingMemoryBound(to: UInt8.self), count: buffer.count))
    }
}

extension ByteBuffer {
    /// Counts `length` bytes written directly at `base + count` as part of the buffer (room was reserved).
    @inline(__always)
    mutating func skip(_ length: Int) {
        count += length
    }
}

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

    /// Runs `body` with an empty buffer backed by `scratchSize` bytes of stack memory.
    @inline(__always)
    static func withScratch<R>(size scratchSize: Int = 1024, _ body: (inout ByteBuffer) -> R) -> R {
        withUnsafeTemporaryAllocation(byteCount: scratchSize, alignment: 16) { scratch in
            var buffer = ByteBuffer(scratch: scratch)
            defer { buffer.releaseHeap() }
            return body(&buffer)
        }
    }

    private mutating func releaseHeap() {
        if onHeap { base.deallocate() }
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
        (base + count).copyMemory(from: pointer, byteCount: length)
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
        var magnitude = value.magnitude
        if value < 0 { appendUnchecked(UInt8(ascii: "-")) }
        var digits = 1
        var probe = magnitude
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        var index = count + digits - 1
        while true {
            base.storeBytes(of: UInt8(truncatingIfNeeded: 48 &+ magnitude % 10), toByteOffset: index, as: UInt8.self)
            magnitude /= 10
            if magnitude == 0 { break }
            index -= 1
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
        guard let source = utf8.baseAddress else {
            appendUnchecked(UInt8(ascii: "\""))
            return
        }
        // Copy runs of plain bytes at once; escape the rest.
        var runStart = 0
        var index = 0
        while index < length {
            let byte = source.load(fromByteOffset: index, as: UInt8.self)
            if byte >= 0x20, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            append(source + runStart, count: index - runStart)
            appendEscaped(byte)
            index += 1
            runStart = index
        }
        append(source + runStart, count: length - runStart)
        append(UInt8(ascii: "\""))
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

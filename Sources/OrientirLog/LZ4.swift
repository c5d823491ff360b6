import CLZ4

/// The log's only door to liblz4: block compression of a batch payload.
enum LZ4 {
    static func compressBound(_ count: Int) -> Int { Int(LZ4_compressBound(Int32(count))) }

    /// Compresses `source` into `destination` (at least `compressBound` bytes); returns the stored length,
    /// or 0 when the data does not fit. Level 0 is LZ4's fast mode; 1…12 are LZ4HC levels, slower to write and
    /// smaller, read by the same decompressor.
    static func compress(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer,
                         level: Int) -> Int {
        guard let src = source.baseAddress, let dst = destination.baseAddress else { return 0 }
        let s = src.assumingMemoryBound(to: CChar.self)
        let d = dst.assumingMemoryBound(to: CChar.self)
        if level > 0 {
            return Int(LZ4_compress_HC(s, d, Int32(source.count), Int32(destination.count), Int32(level)))
        }
        return Int(LZ4_compress_default(s, d, Int32(source.count), Int32(destination.count)))
    }

    /// Decompresses exactly `destination.count` bytes; false when the block is malformed.
    static func decompress(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) -> Bool {
        guard let src = source.baseAddress, let dst = destination.baseAddress else {
            return source.isEmpty && destination.isEmpty
        }
        let produced = LZ4_decompress_safe(
            src.assumingMemoryBound(to: CChar.self), dst.assumingMemoryBound(to: CChar.self),
            Int32(source.count), Int32(destination.count))
        return Int(produced) == destination.count
    }
}

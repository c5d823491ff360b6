/// The raw values of a ``CatalogEnum`` as UTF-8 bytes, for matching input without creating strings.
public final class Vocabulary: Sendable {
    let names: [[UInt8]]
    let rawValues: [String]
    /// Number of values: ordinals are `0..<count`.
    let count: Int
    /// All names back to back; `offsets[i]..<offsets[i + 1]` is the name of ordinal `i`. Never mutated.
    nonisolated(unsafe) private let packed: UnsafeMutableRawPointer
    nonisolated(unsafe) private let offsets: UnsafeMutablePointer<Int>

    init<E: CatalogEnum>(_ type: E.Type) {
        (rawValues, names, count, packed, offsets) = Vocabulary.build(E.allCases.map(\.rawValue))
    }

    init(rawValues: [String]) {
        (self.rawValues, names, count, packed, offsets) = Vocabulary.build(rawValues)
    }

    deinit {
        packed.deallocate()
        offsets.deallocate()
    }

    private static func build(_ rawValues: [String]) -> (
        [String], [[UInt8]], Int, UnsafeMutableRawPointer, UnsafeMutablePointer<Int>
    ) {
        let names = rawValues.map { Array($0.utf8) }
        let total = names.reduce(0) { $0 + $1.count }
        let packed = UnsafeMutableRawPointer.allocate(byteCount: max(total, 1), alignment: 8)
        let offsets = UnsafeMutablePointer<Int>.allocate(capacity: names.count + 1)
        var offset = 0
        for (index, name) in names.enumerated() {
            offsets[index] = offset
            name.withUnsafeBytes { (packed + offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            offset += name.count
        }
        offsets[names.count] = offset
        return (rawValues, names, names.count, packed, offsets)
    }

    /// The ordinal of the value spelt by `bytes`, or `nil` if it is not one.
    @inline(__always)
    func ordinal(of bytes: UnsafeRawBufferPointer) -> UInt8? {
        let length = bytes.count
        guard length > 0, let base = bytes.baseAddress else { return nil }
        var start = offsets[0]
        for index in 0..<count {
            let end = offsets[index + 1]
            if end - start == length, bytesEqual(packed + start, base, length) { return UInt8(truncatingIfNeeded: index) }
            start = end
        }
        return nil
    }

    /// The UTF-8 bytes of the value at `ordinal` (valid for the life of the process: vocabularies are static).
    @inline(__always)
    func name(_ ordinal: Int) -> UnsafeRawBufferPointer {
        let start = offsets[ordinal]
        return UnsafeRawBufferPointer(start: packed + start, count: offsets[ordinal + 1] - start)
    }

    /// "a, b or c", for error messages.
    var listing: String {
        rawValues.dropLast().joined(separator: ", ") + (rawValues.count > 1 ? " or " : "") + rawValues.last!
    }
}

/// A non-owning reference to a static ``Vocabulary`` (they live for the whole process), so that field tables
/// can be copied without reference counting.
struct VocabularyRef: Sendable {
    unowned(unsafe) let vocabulary: Vocabulary

    init(_ vocabulary: Vocabulary) {
        self.vocabulary = vocabulary
    }
}

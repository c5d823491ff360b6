/// The raw values of a ``CatalogEnum`` as UTF-8 bytes, for matching input without creating strings.
public final class Vocabulary: Sendable {
    let names: [[UInt8]]
    let rawValues: [String]

    init<E: CatalogEnum>(_ type: E.Type) {
        rawValues = E.allCases.map(\.rawValue)
        names = rawValues.map { Array($0.utf8) }
    }

    /// The ordinal of the value spelt by `bytes`, or `nil` if it is not one.
    @inline(__always)
    func ordinal(of bytes: UnsafeRawBufferPointer) -> UInt8? {
        let count = bytes.count
        for index in names.indices {
            let matches = names[index].withUnsafeBytes { name in
                name.count == count && (count == 0 || bytesEqual(name.baseAddress!, bytes.baseAddress!, count))
            }
            if matches { return UInt8(index) }
        }
        return nil
    }

    /// "a, b or c", for error messages.
    var listing: String {
        rawValues.dropLast().joined(separator: ", ") + (rawValues.count > 1 ? " or " : "") + rawValues.last!
    }
}

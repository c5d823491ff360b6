import Foundation

/// The median of `nanoseconds` in whole microseconds, as the bench commands print their steps ("-" for none).
func medianMicroseconds<T: BinaryInteger>(_ nanoseconds: [T]) -> String {
    let sorted = nanoseconds.sorted()
    return sorted.isEmpty ? "-" : String(format: "%.0f", Double(sorted[sorted.count / 2]) / 1000)
}

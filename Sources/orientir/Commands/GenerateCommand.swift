import ArgumentParser
import Foundation
import OrientirEvents

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a synthetic region (NDJSON that `ingest` accepts), deterministic by --seed.")

    @Option(help: "Students in the region.")
    var students = 20_000

    @Option(help: "Academic years.")
    var years = 4

    @Option(help: "Seed: the same seed and sizes give the same bytes.")
    var seed: UInt64 = 7

    @Option(help: "Output file (default: stdout).")
    var out: String?

    func run() throws {
        let generator = RegionGenerator(seed: seed, students: students, years: years)
        var output = StandardOutput()
        var file: FileHandle?
        if let out {
            guard FileManager.default.createFile(atPath: out, contents: nil), let handle = FileHandle(forWritingAtPath: out)
            else { throw CommandFailure("cannot create \(out)") }
            file = handle
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        var lines = 0
        try generator.write { line in
            lines += 1
            if let file {
                buffer.append(contentsOf: line.utf8)
                buffer.append(0x0A)
                if buffer.count >= 1 << 20 {
                    try file.write(contentsOf: buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            } else {
                output.append(line)
                output.append("\n")
            }
        }
        if let file {
            try file.write(contentsOf: buffer)
            try file.close()
            Diagnostics.note("wrote \(lines) events for \(students) students over \(years) years to \(out!)")
        } else {
            output.flush()
        }
    }
}
